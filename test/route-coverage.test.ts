import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCli, type RunningCli } from './support/server-process.js';

interface Description {
  paths: Record<string, Record<string, { security?: unknown[] }>>;
}

/** The only routes that may answer without a key (health ones by default only). */
const openRoutes = new Set([
  'options /',
  'post /api-description',
  'post /ping',
  'get /v2/health/live',
  'get /v2/health/ready',
]);

describe('deny by default: every route of every listener', () => {
  let server: RunningCli;
  before(async () => {
    const config = { token_authorization_failure_limit: '100000' };
    server = await startCli({ args: ['--enable-model-api'], config });
  });
  after(() => server.stop());

  for (const api of ['inference', 'management'] as const) {
    it(`${api}: each declared route refuses a request without a key, except the open ones`, async () => {
      const description = (await server.call(api, '/', { method: 'OPTIONS' })).json<Description>();
      const operations = Object.entries(description.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
      );
      assert.ok(operations.length >= 3);
      for (const { path, method, operation } of operations) {
        const name = `${method} ${path}`;
        const concrete = path.replace(/\{\w+\}/g, 'x');
        const reply = await server.call(api, concrete, { method: method.toUpperCase() });
        if (openRoutes.has(name)) {
          assert.notEqual(reply.status, 401, name);
          assert.equal(operation.security, undefined, name);
        } else {
          assert.equal(reply.status, 401, `${name} answered ${reply.status} without a key`);
          assert.ok(operation.security !== undefined, `${name} is documented as secured`);
        }
      }
    });
  }

  it('unknown paths and OPTIONS on them need a key too', async () => {
    for (const method of ['GET', 'OPTIONS', 'DELETE']) {
      assert.equal((await server.call('inference', '/predictions', { method })).status, 401);
      assert.equal((await server.call('management', '/anything/else', { method })).status, 401);
    }
  });

  it('the metrics listener stays open, as in TorchServe', async () => {
    const reply = await server.call('metrics', '/unknown');
    assert.equal(reply.status, 404);
  });
});
