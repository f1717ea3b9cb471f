// gRPC over TLS, model API control, health access, throttling, disabled token authorization and
// startup failures, through the real CLI.
import { credentials, status } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { grpcClients, unary, withKey, type GrpcClients } from './support/grpc.js';
import {
  makeWorkDir,
  runCli,
  separateListeners,
  startCli,
  writeConfig,
  type KeyFile,
  type RunningCli,
} from './support/server-process.js';

/** A self-signed certificate for `localhost` in `dir`; returns the certificate's bytes. */
function selfSignedCertificate(dir: string): Buffer {
  const subject = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'];
  const files = ['-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.crt')];
  const options = ['-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'];
  execFileSync('openssl', ['req', ...options, ...subject, ...files], { stdio: 'ignore' });
  return readFileSync(join(dir, 'server.crt'));
}

describe('gRPC over TLS with the model API off and health closed', () => {
  let server: RunningCli;
  let clients: GrpcClients;
  let keys: KeyFile;

  before(async () => {
    const dir = makeWorkDir();
    const certificate = selfSignedCertificate(dir);
    server = await startCli({
      dir,
      config: {
        enable_grpc_ssl: 'true',
        private_key_file: 'server.key',
        certificate_file: 'server.crt',
        token_authorization_health_open: 'false',
        token_authorization_failure_limit: '3',
      },
    });
    keys = server.keys();
    // The name the certificate is checked against: TLS names are host names, not addresses.
    clients = grpcClients(server.grpcTargets, credentials.createSsl(certificate), {
      'grpc.ssl_target_name_override': 'localhost',
    });
  });
  after(async () => {
    clients.close();
    await server.stop();
  });

  it('serves TLS and refuses plain-text clients', async () => {
    const listed = await unary<{ msg: string }>(
      clients.management,
      'ListModels',
      {},
      withKey(keys.management.key),
    );
    assert.deepEqual(JSON.parse(listed.msg), { models: [] });
    const plain = grpcClients(server.grpcTargets);
    try {
      await assert.rejects(unary(plain.inference, 'Ping', {}, withKey(keys.inference.key)), {
        code: status.UNAVAILABLE,
      });
    } finally {
      plain.close();
    }
  });

  it('asks Ping for the inference key when health endpoints need one', async () => {
    await assert.rejects(unary(clients.inference, 'Ping', {}), { code: status.UNAUTHENTICATED });
    const reply = await unary<{ health: string }>(
      clients.inference,
      'Ping',
      {},
      withKey(keys.inference.key),
    );
    assert.deepEqual(JSON.parse(reply.health), { status: 'Healthy' });
  });

  it('refuses RegisterModel and UnregisterModel with PERMISSION_DENIED, after the key check', async () => {
    const key = withKey(keys.management.key);
    for (const [method, request] of [
      ['RegisterModel', { url: 'iris.mar' }],
      ['UnregisterModel', { model_name: 'iris' }],
    ] as const) {
      await assert.rejects(unary(clients.management, method, request, key), {
        code: status.PERMISSION_DENIED,
        details: 'Model API disabled',
      });
    }
    await assert.rejects(unary(clients.management, 'RegisterModel', { url: 'iris.mar' }), {
      code: status.UNAUTHENTICATED,
    });
  });

  it('throttles an address after repeated failures, over gRPC and HTTP alike', async () => {
    let code: number | undefined;
    for (let attempt = 0; attempt < 5 && code !== status.RESOURCE_EXHAUSTED; attempt++) {
      const failed = await unary(clients.management, 'ListModels', {}, withKey('wrong')).catch(
        (error: { code: number }) => error,
      );
      code = (failed as { code: number }).code;
    }
    assert.equal(code, status.RESOURCE_EXHAUSTED);
    await assert.rejects(
      unary(clients.management, 'ListModels', {}, withKey(keys.management.key)),
      { code: status.RESOURCE_EXHAUSTED },
    );
    const http = await server.call('management', '/models', { key: keys.management.key });
    assert.equal(http.status, 429);
  });

  it('stops startup with one line when a gRPC port is taken or TLS lacks its files', async () => {
    const taken = (server.grpcTargets.inference ?? '').split(':')[1] ?? '';
    const cases: [Record<string, string>, RegExp][] = [
      [
        { grpc_inference_port: taken },
        /^onnxserve: Cannot bind the gRPC inference API to 127\.0\.0\.1:\d+: EADDRINUSE$/,
      ],
      [
        { enable_grpc_ssl: 'true' },
        /^onnxserve: enable_grpc_ssl=true needs both private_key_file and certificate_file$/,
      ],
      [{ grpc_management_port: '70000' }, /grpc_management_port="70000"/],
    ];
    for (const [settings, message] of cases) {
      const dir = makeWorkDir();
      writeConfig(dir, { ...separateListeners, ...settings });
      const result = await runCli(['--start', '--foreground', '--model-store', 'store'], {
        cwd: dir,
      });
      assert.equal(result.code, 1);
      assert.match(result.stderr.trim(), message);
    }
  });
});

describe('gRPC with token authorization disabled', () => {
  it('answers without a key, and still gates the model API', async () => {
    const server = await startCli({ args: ['--disable-token-auth'] });
    const clients = grpcClients(server.grpcTargets);
    try {
      const listed = await unary<{ msg: string }>(clients.management, 'ListModels', {});
      assert.deepEqual(JSON.parse(listed.msg), { models: [] });
      await assert.rejects(unary(clients.inference, 'Predictions', { model_name: 'nope' }), {
        code: status.NOT_FOUND,
      });
      await assert.rejects(unary(clients.management, 'RegisterModel', { url: 'x.mar' }), {
        code: status.PERMISSION_DENIED,
      });
    } finally {
      clients.close();
      await server.stop();
    }
  });
});
