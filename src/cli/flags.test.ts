import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags, UsageError } from './flags.js';

describe('command-line flags', () => {
  it("reads TorchServe's command lines", () => {
    const request = parseFlags([
      '--start',
      '--ncs',
      '--model-store',
      'model_store',
      '--models',
      'a=a.mar',
      'b.mar',
      '--ts-config',
      'c.properties',
      '--disable-token-auth',
      '--enable-model-api',
      '--foreground',
    ]);
    assert.equal(request.action, 'start');
    assert.equal(request.foreground, true);
    assert.deepEqual(request.config, {
      snapshots: false,
      modelStore: 'model_store',
      models: ['a=a.mar', 'b.mar'],
      tsConfig: 'c.properties',
      disableTokenAuth: true,
      enableModelApi: true,
    });
  });

  it('starts by default and knows the aliases', () => {
    assert.equal(parseFlags([]).action, 'start');
    assert.equal(parseFlags(['-v']).action, 'version');
    assert.equal(parseFlags(['--dt']).config.disableTokenAuth, true);
    assert.equal(parseFlags(['--no-config-snapshots']).config.snapshots, false);
    assert.equal(parseFlags(['--model-store=store']).config.modelStore, 'store');
    assert.deepEqual(parseFlags(['--models', 'all', '--ncs']).config.models, ['all']);
  });

  it('refuses what argparse would refuse', () => {
    for (const argv of [
      ['--bogus'],
      ['--start', '--stop'],
      ['--model-store'],
      ['--models'],
      ['--ncs=1'],
      ['extra'],
    ]) {
      assert.throws(() => parseFlags(argv), UsageError, argv.join(' '));
    }
  });
});
