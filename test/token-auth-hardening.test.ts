import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  makeWorkDir,
  runCli,
  separateListeners,
  startCli,
  writeConfig,
} from './support/server-process.js';

describe('throttling repeated failures', () => {
  it('answers 429 with Retry-After once an address fails too often, even with a good key', async () => {
    const server = await startCli({
      config: {
        token_authorization_failure_limit: '3',
        token_authorization_failure_window_sec: '30',
      },
    });
    try {
      const { management } = server.keys();
      for (let attempt = 0; attempt < 3; attempt++) {
        assert.equal((await server.call('management', '/models', { key: 'wrong' })).status, 401);
      }
      const throttled = await server.call('management', '/models', { key: management.key });
      assert.equal(throttled.status, 429);
      assert.equal(throttled.json().type, 'TooManyRequestsException');
      const retryAfter = Number(throttled.headers['retry-after']);
      assert.ok(retryAfter > 0 && retryAfter <= 30, `Retry-After ${retryAfter}`);
      assert.match(server.output(), /throttling address/);
    } finally {
      await server.stop();
    }
  });

  it('lets the address in again when the window ends', async () => {
    const server = await startCli({
      config: {
        token_authorization_failure_limit: '2',
        token_authorization_failure_window_sec: '1',
      },
    });
    try {
      const { management } = server.keys();
      await server.call('management', '/models', { key: 'wrong' });
      await server.call('management', '/models', { key: 'wrong' });
      assert.equal(
        (await server.call('management', '/models', { key: management.key })).status,
        429,
      );
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal(
        (await server.call('management', '/models', { key: management.key })).status,
        200,
      );
    } finally {
      await server.stop();
    }
  });
});

describe('single-port mode', () => {
  it('serves both APIs and /token from one address, each route with its own key', async () => {
    const server = await startCli({
      config: { inference_address: 'http://127.0.0.1:0', management_address: 'http://127.0.0.1:0' },
    });
    try {
      assert.equal(server.urls.inference, server.urls.management);
      const { management, inference, API } = server.keys();
      assert.equal(
        (await server.call('management', '/models', { key: management.key })).status,
        200,
      );
      assert.equal(
        (await server.call('management', '/models', { key: inference.key })).status,
        401,
      );
      assert.equal((await server.call('inference', '/ping')).status, 200);
      assert.equal(
        (await server.call('inference', '/nowhere', { key: inference.key })).status,
        404,
      );
      assert.equal(
        (await server.call('inference', '/nowhere', { key: management.key })).status,
        404,
      );
      assert.equal((await server.call('inference', '/nowhere')).status, 401);
      const rotated = await server.call('management', '/token?type=inference', { key: API.key });
      assert.equal(rotated.status, 200);
    } finally {
      await server.stop();
    }
  });
});

describe('health endpoints', () => {
  it('are open by default', async () => {
    const server = await startCli();
    try {
      for (const path of ['/ping', '/v2/health/live', '/v2/health/ready']) {
        assert.equal((await server.call('inference', path)).status, 200, path);
      }
      assert.deepEqual((await server.call('inference', '/ping')).json(), { status: 'Healthy' });
    } finally {
      await server.stop();
    }
  });

  it('need the inference key with token_authorization_health_open=false', async () => {
    const server = await startCli({ config: { token_authorization_health_open: 'false' } });
    try {
      const { inference, management } = server.keys();
      for (const path of ['/ping', '/v2/health/live', '/v2/health/ready']) {
        assert.equal((await server.call('inference', path)).status, 401, path);
        assert.equal(
          (await server.call('inference', path, { key: management.key })).status,
          401,
          path,
        );
        assert.equal(
          (await server.call('inference', path, { key: inference.key })).status,
          200,
          path,
        );
      }
    } finally {
      await server.stop();
    }
  });
});

describe('the key file on disk', () => {
  it('replaces a stale file from a crashed run and a symlink planted at its path', async () => {
    const dir = makeWorkDir();
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'do not touch');
    symlinkSync(target, join(dir, 'key_file.json'));

    const server = await startCli({ dir });
    try {
      const path = join(dir, 'key_file.json');
      assert.equal(
        lstatSync(path).isSymbolicLink(),
        false,
        'the symlink was replaced, not followed',
      );
      assert.equal(readFileSync(target, 'utf8'), 'do not touch');
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.ok(server.keys().API.key.length >= 43);
    } finally {
      await server.stop();
    }
    assert.equal(existsSync(join(dir, 'key_file.json')), false);
  });

  it('is removed on SIGINT as on SIGTERM', async () => {
    const server = await startCli();
    assert.equal(await server.stop('SIGINT'), 0);
    assert.equal(existsSync(join(server.dir, 'key_file.json')), false);
  });

  it('stops startup with one clear line when the key file cannot be written', async () => {
    const dir = makeWorkDir();
    mkdirSync(join(dir, 'key_file.json', 'occupied'), { recursive: true });
    writeConfig(dir, separateListeners);
    const result = await runCli(['--start', '--foreground', '--model-store', 'store'], {
      cwd: dir,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr.trim(),
      /^onnxserve: Token authorization setup failed: cannot write .*key_file\.json: E\w+$/,
    );
  });
});

describe('exposure warnings', () => {
  it('warns when auth is on and a listener is plain HTTP beyond loopback', async () => {
    const server = await startCli({ config: { metrics_address: 'http://0.0.0.0:0' } });
    try {
      assert.match(
        server.output(),
        /WARN .*http:\/\/0\.0\.0\.0:\d+ is reachable beyond this machine over plain HTTP/,
      );
    } finally {
      await server.stop();
    }
  });
});
