import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCli, type RunningCli } from './support/server-process.js';

const fileMode = (path: string): number => statSync(path).mode & 0o777;

describe('token authorization: the seed document, end to end', () => {
  let server: RunningCli;
  after(() => server?.stop());

  it('starts with auth on, logs it with the key file path, and writes the three keys 0600', async () => {
    server = await startCli();
    const keyFile = join(server.dir, 'key_file.json');
    assert.match(server.output(), /Token Authorization Enabled/);
    assert.ok(server.output().includes(`Key file located at ${keyFile}`));
    assert.equal(fileMode(keyFile), 0o600);

    const keys = server.keys();
    assert.deepEqual(Object.keys(keys), ['management', 'inference', 'API']);
    assert.deepEqual(Object.keys(keys.management), ['key', 'expiration time']);
    assert.deepEqual(Object.keys(keys.API), ['key']);
    for (const key of [keys.management.key, keys.inference.key, keys.API.key]) {
      assert.match(key, /^[A-Za-z0-9_-]{43}$/, 'base64url of 32 random bytes');
    }
    const expires = Date.parse(keys.inference['expiration time']);
    assert.match(keys.inference['expiration time'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(
      Math.abs(expires - Date.now() - 60 * 60_000) < 60_000,
      'default lifetime is 60 minutes',
    );
  });

  it('opens each API with its own key and no other', async () => {
    const { management, inference, API } = server.keys();
    assert.equal((await server.call('management', '/models', { key: management.key })).status, 200);
    assert.equal((await server.call('management', '/models', { key: inference.key })).status, 401);
    assert.equal((await server.call('management', '/models', { key: API.key })).status, 401);
    assert.equal(
      (await server.call('inference', '/nothing-here', { key: inference.key })).status,
      404,
    );
    assert.equal(
      (await server.call('inference', '/nothing-here', { key: management.key })).status,
      401,
    );
    assert.equal(
      (await server.call('management', '/token?type=inference', { key: management.key })).status,
      401,
    );
  });

  it('answers 401 with a challenge and an envelope that tells the reasons apart', async () => {
    const { management, inference } = server.keys();
    const cases: [Record<string, string>, RegExp, boolean][] = [
      [{}, /no credentials/, false],
      [{ authorization: `Basic ${management.key}` }, /not of the form/, true],
      [{ authorization: `Bearer ${management.key} extra` }, /not of the form/, true],
      [{ authorization: 'Bearer not-a-real-key' }, /not a current key/, true],
      [{ authorization: `Bearer ${inference.key}` }, /belongs to another API/, true],
    ];
    for (const [headers, message, invalidToken] of cases) {
      const reply = await server.call('management', '/models', { headers });
      assert.equal(reply.status, 401);
      assert.deepEqual(Object.keys(reply.json()), ['code', 'type', 'message']);
      assert.equal(reply.json().code, 401);
      assert.equal(reply.json().type, 'InvalidKeyException');
      assert.match(String(reply.json().message), message);
      assert.ok(!reply.text.includes(management.key) && !reply.text.includes(inference.key));
      assert.match(String(reply.headers['www-authenticate']), /^Bearer realm="onnxserve"/);
      assert.equal(
        String(reply.headers['www-authenticate']).includes('error="invalid_token"'),
        invalidToken,
      );
    }
  });

  it('accepts the scheme word in any case', async () => {
    const { management } = server.keys();
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const headers = { authorization: `${scheme}   ${management.key}` };
      assert.equal((await server.call('management', '/models', { headers })).status, 200);
    }
  });

  it('rotates a key with the API key: new key in the reply and the file, old key dead at once', async () => {
    const before = server.keys();
    const reply = await server.call('management', '/token?type=management', {
      key: before.API.key,
      method: 'POST',
    });
    assert.equal(reply.status, 200);
    const body = reply.json<{ management: { key: string; 'expiration time': string } }>();
    const after = server.keys();
    assert.equal(body.management.key, after.management.key);
    assert.equal(body.management['expiration time'], after.management['expiration time']);
    assert.notEqual(after.management.key, before.management.key);
    assert.equal(after.inference.key, before.inference.key, 'the other key is untouched');
    assert.equal(after.API.key, before.API.key);
    assert.equal(fileMode(join(server.dir, 'key_file.json')), 0o600);

    assert.equal(
      (await server.call('management', '/models', { key: before.management.key })).status,
      401,
    );
    assert.equal(
      (await server.call('management', '/models', { key: after.management.key })).status,
      200,
    );

    const inference = await server.call('management', '/token?type=inference', {
      key: before.API.key,
    });
    assert.equal(inference.status, 200);
    assert.notEqual(server.keys().inference.key, before.inference.key);
  });

  it('refuses a missing or unknown type with 400, and matches /token by exact path', async () => {
    const { API, management } = server.keys();
    assert.equal((await server.call('management', '/token', { key: API.key })).status, 400);
    assert.equal(
      (await server.call('management', '/token?type=API', { key: API.key })).status,
      400,
    );
    const tokenizer = await server.call('management', '/models/tokenizer', { key: management.key });
    assert.notEqual(tokenizer.status, 401, 'a model named tokenizer is not the token API');
    const referer = {
      authorization: `Bearer ${management.key}`,
      referer: 'http://x/token?type=management',
    };
    assert.equal((await server.call('management', '/models', { headers: referer })).status, 200);
  });

  it('keeps file and memory in step under concurrent rotations', async () => {
    const { API } = server.keys();
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        server.call('management', `/token?type=${index % 2 === 0 ? 'management' : 'inference'}`, {
          key: API.key,
        }),
      ),
    );
    assert.ok(replies.every((reply) => reply.status === 200));
    const final = server.keys();
    assert.equal(
      (await server.call('management', '/models', { key: final.management.key })).status,
      200,
    );
    assert.equal(
      (await server.call('inference', '/missing', { key: final.inference.key })).status,
      404,
    );
    const issued = replies.map((reply) => JSON.stringify(reply.json()));
    assert.equal(new Set(issued).size, 12, 'every rotation issued a distinct key');
  });

  it('never writes a key to the console or the logs, and logs failures with their request id', async () => {
    const keys = server.keys();
    const refused = await server.call('management', '/models', {
      key: `${keys.management.key}x`,
    });
    const requestId = String(refused.headers['x-request-id']);
    const read = (name: string) => readFileSync(join(server.dir, 'logs', name), 'utf8');
    // The access log is written in blocks, at least once a second.
    for (let attempt = 0; attempt < 40 && !read('access_log.log').includes(requestId); attempt++)
      await sleep(100);
    const logs = ['ts_log.log', 'access_log.log'].map(read);
    assert.ok(logs[1]?.includes(requestId), 'the access line arrived');
    for (const text of [server.output(), ...logs]) {
      for (const key of [keys.management.key, keys.inference.key, keys.API.key]) {
        assert.ok(!text.includes(key), 'a key reached a log');
      }
    }
    const failure = (logs[0] ?? '')
      .split('\n')
      .find((line) => line.includes('Token authorization failed') && line.includes(requestId));
    assert.match(failure ?? '', /"reason":"unknown"/);
  });

  it('deletes key_file.json on SIGTERM and exits 0', async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
    assert.equal(existsSync(join(server.dir, 'key_file.json')), false);
  });
});

describe('token authorization: expiry', () => {
  it('rejects an expired key until it is rotated (token_expiration_min=0.02)', async () => {
    const server = await startCli({ config: { token_expiration_min: '0.02' } });
    try {
      const { management, API } = server.keys();
      const expires = Date.parse(management['expiration time']);
      assert.ok(expires - Date.now() <= 1200, 'a 0.02 minute lifetime is 1.2 s');
      assert.equal(
        (await server.call('management', '/models', { key: management.key })).status,
        200,
      );

      await sleep(Math.max(0, expires - Date.now()) + 100);
      const expired = await server.call('management', '/models', { key: management.key });
      assert.equal(expired.status, 401);
      assert.match(String(expired.json().message), /expired/);

      const rotated = await server.call('management', '/token?type=management', { key: API.key });
      assert.equal(rotated.status, 200);
      assert.equal(
        (await server.call('management', '/models', { key: server.keys().management.key })).status,
        200,
      );
    } finally {
      await server.stop();
    }
  });
});

describe('token authorization: disabled', () => {
  it('writes no key file, checks nothing, and has no /token route', async () => {
    const server = await startCli({ args: ['--disable-token-auth'] });
    try {
      assert.equal(existsSync(join(server.dir, 'key_file.json')), false);
      assert.doesNotMatch(server.output(), /Token Authorization Enabled/);
      assert.equal((await server.call('management', '/models')).status, 200);
      const token = await server.call('management', '/token?type=management');
      assert.equal(token.status, 404);
      assert.equal(token.json().type, 'ResourceNotFoundException');
    } finally {
      await server.stop();
    }
  });
});
