import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeAddArchive } from './support/archives.js';
import { send, sendRaw } from './support/http.js';
import { makeWorkDir, startCli, type RunningCli } from './support/server-process.js';

describe('HTTP conventions', () => {
  let server: RunningCli;
  let key: string;
  before(async () => {
    server = await startCli({
      config: {
        max_request_size: '1000',
        cors_allowed_origin: 'https://app.example',
        cors_allowed_methods: 'GET, POST',
      },
    });
    key = server.keys().management.key;
  });
  after(() => server.stop());

  it('binds three listeners on three addresses', () => {
    const { inference, management, metrics } = server.urls;
    assert.match(inference ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(management ?? '', /^http:\/\/127\.0\.0\.2:\d+$/);
    assert.match(metrics ?? '', /^http:\/\/127\.0\.0\.3:\d+$/);
  });

  it('puts x-request-id, no-cache and CORS headers on every reply', async () => {
    const first = await server.call('inference', '/ping');
    const second = await server.call('management', '/missing', { key });
    for (const reply of [first, second]) {
      assert.match(String(reply.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      assert.equal(reply.headers.pragma, 'no-cache');
      assert.equal(reply.headers['cache-control'], 'no-cache; no-store, must-revalidate, private');
      assert.equal(reply.headers['access-control-allow-origin'], 'https://app.example');
      assert.equal(reply.headers['access-control-allow-methods'], 'GET, POST');
    }
    assert.notEqual(first.headers['x-request-id'], second.headers['x-request-id']);
    assert.equal(first.text, '{\n  "status": "Healthy"\n}\n', 'pretty JSON and a newline');
  });

  it('answers unknown paths with 404 and the envelope, closing the connection', async () => {
    const reply = await server.call('management', '/no/such/path', { key });
    assert.equal(reply.status, 404);
    assert.equal(reply.headers.connection, 'close');
    assert.deepEqual(reply.json(), {
      code: 404,
      type: 'ResourceNotFoundException',
      message: 'Requested resource is not found, please refer to API document.',
    });
  });

  it('answers a wrong method with 405', async () => {
    const root = await server.call('inference', '/', { method: 'GET' });
    assert.equal(root.status, 405);
    assert.equal(root.json().type, 'MethodNotAllowedException');
    const patch = await server.call('management', '/models', { method: 'PATCH', key });
    assert.equal(patch.status, 405);
  });

  it('treats a trailing slash as no trailing slash', async () => {
    const plain = await server.call('management', '/models', { key });
    const slashed = await server.call('management', '/models/', { key });
    assert.equal(plain.status, 200);
    assert.equal(slashed.status, 200);
    assert.deepEqual(slashed.json(), plain.json());
    const model = await server.call('management', '/models/foo/', { key });
    assert.deepEqual(model.json(), {
      code: 404,
      type: 'ModelNotFoundException',
      message: 'Model not found: foo',
    });
  });

  it('refuses bodies over max_request_size with 413', async () => {
    const declared = await server.call('management', '/models', {
      key,
      method: 'POST',
      body: 'x'.repeat(1001),
    });
    assert.equal(declared.status, 413);
    assert.equal(declared.json().type, 'RequestEntityTooLargeException');
    const small = await server.call('management', '/models', {
      key,
      method: 'GET',
      body: 'x'.repeat(10),
    });
    assert.equal(small.status, 200);
  });

  it('refuses undecodable paths with 400', async () => {
    const reply = await server.call('inference', '/predictions/%E0%A4%A', {
      key: server.keys().inference.key,
    });
    assert.equal(reply.status, 400);
  });

  it('describes each listener with an OpenAPI document of its own routes', async () => {
    const inference = (await server.call('inference', '/', { method: 'OPTIONS' })).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    const management = (await server.call('management', '/api-description')).json<{
      paths: Record<string, unknown>;
    }>();
    assert.equal(inference.openapi, '3.0.1');
    assert.ok('/ping' in inference.paths && !('/models' in inference.paths));
    assert.ok('/models' in management.paths && '/token' in management.paths);
    assert.ok(!('/ping' in management.paths));
  });

  it('answers malformed or oversized heads itself, with the envelope, and closes', async () => {
    const cases: Array<[string, number, string]> = [
      ['GET /ping HTTP/1.1\r\n\r\n', 400, 'BadRequestException'],
      [
        'POST /ping HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
        400,
        'BadRequestException',
      ],
      ['GET /ping HTTP/1.1\nHost: a\n\n', 400, 'BadRequestException'],
      [
        'POST /ping HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
        400,
        'BadRequestException',
      ],
      [
        `GET /ping HTTP/1.1\r\nX: ${'a'.repeat(17_000)}\r\n\r\n`,
        431,
        'RequestHeaderFieldsTooLargeException',
      ],
      ['POST /ping HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 400, 'BadRequestException'],
      ['NOT AN HTTP REQUEST\r\n\r\n', 400, 'BadRequestException'],
      ['GET /ping HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, 'BadRequestException'],
      ['GET /ping HTTP/2.0\r\nHost: a\r\n\r\n', 505, 'HttpVersionNotSupportedException'],
      ['GET /ping HTTP/0.9\r\nHost: a\r\n\r\n', 505, 'HttpVersionNotSupportedException'],
      // llhttp reports a version it cannot parse like a bare LF after the version: malformed.
      ['GET /ping HTTP/3.1\r\nHost: a\r\n\r\n', 400, 'BadRequestException'],
    ];
    for (const [wire, status, type] of cases) {
      const text = await sendRaw(server.urls.inference ?? '', wire);
      const [head = '', body = ''] = text.split('\r\n\r\n');
      assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), wire.slice(0, 40));
      assert.match(head, /\r\nConnection: close(\r\n|$)/);
      assert.match(head, /\r\nx-request-id: [0-9a-f-]{36}\r\n/);
      assert.match(head, /\r\nCache-Control: no-cache; no-store, must-revalidate, private\r\n/);
      assert.match(head, /\r\nAccess-Control-Allow-Origin: https:\/\/app\.example\r\n/);
      assert.equal((JSON.parse(body) as { type: string }).type, type);
    }
  });

  it('lets no request through on the first of two Authorization headers', async () => {
    const wire = `GET /models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n`;
    const once = await sendRaw(server.urls.management ?? '', `${wire}Connection: close\r\n\r\n`);
    assert.match(once, /^HTTP\/1\.1 200 /);
    const twice = `${wire}Authorization: Bearer not-a-key\r\n\r\n`;
    assert.match(await sendRaw(server.urls.management ?? '', twice), /^HTTP\/1\.1 401 /);
  });

  it('refuses a declared body over max_request_size without waiting for it', async () => {
    const wire = 'POST /models HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n';
    const auth = `Authorization: Bearer ${key}\r\n`;
    const text = await sendRaw(server.urls.management ?? '', wire.replace('\r\n', `\r\n${auth}`));
    assert.match(text, /^HTTP\/1\.1 413 /);
  });

  it('answers pipelined requests in order on one connection', async () => {
    const ping = 'GET /ping HTTP/1.1\r\nHost: x\r\n\r\n';
    const last = 'GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const text = await sendRaw(server.urls.inference ?? '', ping + ping + last);
    const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((match) => match[1]);
    assert.deepEqual(statuses, ['200', '200', '200'], 'and closed after the third');
  });

  it('stops accepting connections on SIGTERM and exits 0', async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
    await assert.rejects(send(`${server.urls.inference ?? ''}/ping`), /ECONNREFUSED/);
  });
});

describe('a refusal pipelined behind a request still being answered', () => {
  let server: RunningCli;
  let key: string;
  const body = JSON.stringify({ a: [[1, 1, 1]], b: [[2, 2, 2]] });
  before(async () => {
    const dir = makeWorkDir();
    // A lone request waits the whole batch delay for a second one that never comes.
    await writeAddArchive(
      join(dir, 'store'),
      'slow',
      undefined,
      'batchSize: 2\nmaxBatchDelay: 300\n',
    );
    server = await startCli({ dir, args: ['--models', 'slow.mar'] });
    key = server.keys().inference.key;
    for (let attempt = 0; attempt < 100; attempt++) {
      const reply = await server.call('inference', '/v2/models/slow/ready', { key });
      if (reply.json().ready === true) return;
      await sleep(50);
    }
    throw new Error('the model never became ready');
  });
  after(() => server.stop());

  it('is written after that answer, so answers stay in request order', async () => {
    const prediction =
      'POST /predictions/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${key}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const oversized = `GET /ping HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(17_000)}\r\n\r\n`;
    const text = await sendRaw(server.urls.inference ?? '', prediction + oversized);
    // The tensor handler's JSON ends without a newline: the next status line follows directly.
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    assert.deepEqual(statuses, ['200', '431']);
    assert.match(text, /"data":\[3,3,3\]\}\]\}HTTP\/1\.1 431 /);
  });
});

describe('HTTPS listeners', () => {
  it('serve TLS with private_key_file and certificate_file', async () => {
    const dir = makeWorkDir();
    const keyPath = join(dir, 'server.key');
    const certPath = join(dir, 'server.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: 'ignore' },
    );

    const server = await startCli({
      dir,
      config: {
        inference_address: 'https://127.0.0.1:0',
        private_key_file: 'server.key',
        certificate_file: 'server.crt',
      },
    });
    try {
      assert.match(server.urls.inference ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
      const reply = await server.call('inference', '/ping', { ca: readFileSync(certPath) });
      assert.equal(reply.status, 200);
      await assert.rejects(server.call('inference', '/ping'), /self[- ]signed|unable to verify/i);
    } finally {
      await server.stop();
    }
  });

  it('refuse to start without key material', async () => {
    await assert.rejects(
      startCli({ config: { inference_address: 'https://127.0.0.1:0' } }),
      /needs both private_key_file and certificate_file/,
    );
  });
});
