import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { send } from './support/http.js';
import {
  makeWorkDir,
  parseUrls,
  runCli,
  separateListeners,
  writeConfig,
} from './support/server-process.js';

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('onnxserve --start (background) and --stop', () => {
  it('returns once the server has started, refuses a second start, and stops it', async () => {
    const dir = makeWorkDir();
    writeConfig(dir, separateListeners);
    const started = await runCli(['--start', '--ncs', '--model-store', 'store'], { cwd: dir });
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /Model server started/);
    const pid = Number(readFileSync(join(dir, 'server.pid'), 'utf8'));
    assert.ok(pid > 0 && pid !== process.pid);

    const urls = parseUrls(started.stdout);
    const keys = JSON.parse(readFileSync(join(dir, 'key_file.json'), 'utf8')) as {
      management: { key: string };
    };
    const list = await send(`${urls.management ?? ''}/models`, { key: keys.management.key });
    assert.equal(list.status, 200);

    const second = await runCli(['--start', '--ncs', '--model-store', 'store'], { cwd: dir });
    assert.equal(second.code, 1);
    assert.match(second.stderr, /is already running, please use onnxserve --stop/);

    const stopped = await runCli(['--stop'], { cwd: dir });
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /onnxserve has stopped\./);
    assert.equal(existsSync(join(dir, 'server.pid')), false);
    assert.equal(existsSync(join(dir, 'key_file.json')), false, 'the server removed its key file');
    assert.throws(() => process.kill(pid, 0), 'the server process is gone');
  });

  it('says so and exits 0 when nothing is running', async () => {
    const dir = makeWorkDir();
    writeConfig(dir, separateListeners);
    const stopped = await runCli(['--stop'], { cwd: dir });
    assert.equal(stopped.code, 0);
    assert.match(stopped.stdout, /onnxserve is not currently running\./);
  });

  it("returns non-zero with the server's own error line when it cannot start", async () => {
    const dir = makeWorkDir();
    writeConfig(dir, { ...separateListeners, job_queue_size: 'lots' });
    const started = await runCli(['--start', '--model-store', 'store'], { cwd: dir });
    assert.equal(started.code, 1);
    assert.match(started.stderr, /job_queue_size="lots": expected a whole number/);
    assert.equal(existsSync(join(dir, 'server.pid')), false);
  });

  it('fails with the address when a port is taken', async () => {
    const dir = makeWorkDir();
    writeConfig(dir, separateListeners);
    const first = await runCli(['--start', '--ncs', '--model-store', 'store'], { cwd: dir });
    const taken = parseUrls(first.stdout).inference ?? '';
    const other = makeWorkDir();
    writeConfig(other, { ...separateListeners, inference_address: taken });
    const second = await runCli(['--start', '--foreground', '--model-store', 'store'], {
      cwd: other,
    });
    await runCli(['--stop'], { cwd: dir });
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      new RegExp(`Cannot bind the inference API to ${taken}: EADDRINUSE`),
    );
    assert.equal(
      existsSync(join(other, 'key_file.json')),
      false,
      'a failed start leaves no key file',
    );
  });
});

describe('onnxserve flags', () => {
  it('prints the version', async () => {
    const result = await runCli(['--version'], { cwd: makeWorkDir() });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `onnxserve Version is ${version}\n`);
  });

  it('prints help', async () => {
    const result = await runCli(['--help'], { cwd: makeWorkDir() });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /--disable-token-auth/);
  });

  const failures: [string, string[], RegExp][] = [
    ['an unknown flag', ['--start', '--frobnicate'], /unrecognized arguments: --frobnicate/],
    [
      'a missing model store',
      ['--start', '--foreground'],
      /Missing mandatory parameter --model-store/,
    ],
    [
      'a model store that is not a directory',
      ['--foreground', '--model-store', 'nope'],
      /--model-store directory not found: nope/,
    ],
    [
      'a missing config file',
      ['--foreground', '--model-store', 'store', '--ts-config', 'gone.properties'],
      /--ts-config file not found: gone.properties/,
    ],
    [
      'a missing log config',
      ['--foreground', '--model-store', 'store', '--log-config', 'gone.yaml'],
      /--log-config file not found/,
    ],
    ['--start with --stop', ['--start', '--stop'], /cannot be combined/],
    ['--model-store without a value', ['--model-store'], /--model-store needs a value/],
  ];
  for (const [name, args, message] of failures) {
    it(`exits 1 with one clear line for ${name}`, async () => {
      const dir = makeWorkDir();
      writeConfig(dir, separateListeners);
      const result = await runCli(args, { cwd: dir });
      assert.equal(result.code, 1);
      assert.match(result.stderr.split('\n')[0] ?? '', message);
      assert.match(result.stderr, /^onnxserve: /);
    });
  }
});

describe('configuration discovery', () => {
  it('prefers TS_CONFIG_FILE over --ts-config over ./config.properties', async () => {
    const dir = makeWorkDir();
    writeConfig(dir, { ...separateListeners, job_queue_size: 'from-implicit' });
    const named = join(dir, 'named.properties');
    const fromEnv = join(dir, 'env.properties');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(named, 'job_queue_size=from-flag\n');
    writeFileSync(fromEnv, 'job_queue_size=from-env\n');

    const args = ['--foreground', '--model-store', 'store'];
    const implicit = await runCli(args, { cwd: dir });
    assert.match(implicit.stderr, /from-implicit/);
    const flag = await runCli([...args, '--ts-config', named], { cwd: dir });
    assert.match(flag.stderr, /from-flag/);
    const env = await runCli([...args, '--ts-config', named], {
      cwd: dir,
      env: { TS_CONFIG_FILE: fromEnv },
    });
    assert.match(env.stderr, /from-env/);
  });

  it('substitutes $$NAME$$ from the environment and refuses an unset one', async () => {
    const dir = makeWorkDir();
    writeConfig(dir, { ...separateListeners, job_queue_size: '$$QUEUE_SIZE$$' });
    const unset = await runCli(['--foreground', '--model-store', 'store'], { cwd: dir });
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /Invalid Environment Variable QUEUE_SIZE/);
    const bad = await runCli(['--foreground', '--model-store', 'store'], {
      cwd: dir,
      env: { QUEUE_SIZE: 'x' },
    });
    assert.match(bad.stderr, /job_queue_size="x"/);
  });
});
