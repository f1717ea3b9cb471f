import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSettings } from './resolve.js';
import { readEnvironment } from './sources.js';

type Layer = 'file' | 'environment' | 'cli';

/** Every subset of sources that set job_queue_size, with and without the environment gate. */
function combinations(): { present: Layer[]; gate: boolean }[] {
  const layers: Layer[] = ['file', 'environment', 'cli'];
  const result: { present: Layer[]; gate: boolean }[] = [];
  for (let mask = 0; mask < 8; mask++) {
    const present = layers.filter((_, bit) => (mask >> bit) & 1);
    result.push({ present, gate: false }, { present, gate: true });
  }
  return result;
}

const values: Record<Layer, string> = { file: '11', environment: '22', cli: '33' };

describe('the one merge: CLI > environment > file > default', () => {
  for (const { present, gate } of combinations()) {
    const expected = present.includes('cli')
      ? 33
      : present.includes('environment') && gate
        ? 22
        : present.includes('file')
          ? 11
          : 100;
    it(`sources ${present.join('+') || 'none'}, gate ${gate ? 'on' : 'off'} → ${expected}`, () => {
      const file: Record<string, string> = { enable_envvars_config: String(gate) };
      if (present.includes('file')) file.job_queue_size = values.file;
      const resolved = resolveSettings({
        file,
        filePath: '/x/config.properties',
        environment: present.includes('environment') ? { job_queue_size: values.environment } : {},
        cli: present.includes('cli') ? { job_queue_size: values.cli } : {},
      });
      assert.equal(resolved.settings.job_queue_size, expected);
    });
  }

  it('names the source of a bad value', () => {
    assert.throws(
      () =>
        resolveSettings({
          file: { job_queue_size: 'x' },
          filePath: '/x/c.properties',
          environment: {},
          cli: {},
        }),
      /Invalid configuration \(file \/x\/c\.properties\): job_queue_size="x"/,
    );
  });

  it('warns about unknown keys but not about TorchServe keys it accepts', () => {
    const resolved = resolveSettings({
      file: { vmargs: '-Xmx1g', colour: 'blue' },
      filePath: undefined,
      environment: {},
      cli: {},
    });
    assert.deepEqual(resolved.warnings, ['Unknown configuration key ignored: colour']);
  });

  it('never takes the environment gate from the environment', () => {
    const environment = readEnvironment({
      TS_ENABLE_ENVVARS_CONFIG: 'true',
      TS_JOB_QUEUE_SIZE: '5',
    });
    assert.equal(environment.enable_envvars_config, undefined);
    const resolved = resolveSettings({ file: {}, filePath: undefined, environment, cli: {} });
    assert.equal(resolved.settings.job_queue_size, 100);
  });

  it("maps TorchServe's environment names, including TS_TOKEN_EXPIRATION_TIME_MIN", () => {
    const environment = readEnvironment({
      TS_TOKEN_EXPIRATION_TIME_MIN: '0.25',
      TS_INFERENCE_ADDRESS: 'http://0.0.0.0:9',
      TS_DISABLE_TOKEN_AUTHORIZATION: 'true',
    });
    assert.deepEqual(environment, {
      inference_address: 'http://0.0.0.0:9',
      disable_token_authorization: 'true',
      token_expiration_min: '0.25',
    });
  });
});
