import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeAddArchive } from './support/archives.js';
import { makeWorkDir, startCli, type RunningCli } from './support/server-process.js';

/** Handlers as archive source text, each exercising one path of the management API. */
const handlers = {
  /** Its own describe metadata; a `413` body asks for TorchServe's remap to 507. */
  described: `
    export function describe(context) {
      return { labels: ['sum'], model: context.modelName, batch: context.batchSize };
    }
    export function preprocess(request) {
      const text = new TextDecoder().decode(request.inputs[0].data);
      if (text === 'too big') {
        const error = new Error('The input does not fit in memory.');
        error.status = 413;
        throw error;
      }
      return { a: tensor(), b: tensor() };
    }
    const tensor = () => ({ type: 'float32', dims: [1, 3], data: new Float32Array(3) });
    export function postprocess(outputs) {
      return { sum: Array.from(outputs.sum.data) };
    }
  `,
  /** Describes itself with something that is not a JSON object. */
  listDescribed: `
    export const describe = () => ['not', 'an', 'object'];
    export const preprocess = () => ({});
    export const postprocess = () => ({});
  `,
  /** Takes a second to load, so scaling can be caught half-way. */
  slow: `
    export async function initialize() {
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    export const preprocess = () => ({});
    export const postprocess = () => ({});
  `,
  /** Exhausts its heap while loading. */
  hoarderAtLoad: `
    const hoard = [];
    export function initialize() {
      for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
    }
    export const preprocess = () => ({});
    export const postprocess = () => ({});
  `,
  /** Loads, then exhausts its heap on the first request. */
  hoarderAtRun: `
    const hoard = [];
    export function preprocess() {
      for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
    }
    export const postprocess = () => ({});
  `,
};

describe('management API: customized describe, partial scaling and running out of memory', () => {
  let server: RunningCli;
  let managementKey: string;
  const manage = (method: string, path: string) =>
    server.call('management', path, { method, key: managementKey });

  before(async () => {
    const dir = makeWorkDir();
    const store = join(dir, 'store');
    await writeAddArchive(store, 'plain');
    for (const [name, source] of Object.entries(handlers))
      await writeAddArchive(store, name, source);
    server = await startCli({
      dir,
      config: { enable_model_api: 'true', worker_heap_limit_mb: '32' },
    });
    managementKey = server.keys().management.key;
  });
  after(() => server.stop());

  const register = (name: string, workers: number) =>
    manage('POST', `/models?url=${name}.mar&initial_workers=${workers}&synchronous=true`);

  it("adds the handler's describe result as customizedMetadata", async () => {
    assert.equal((await register('described', 1)).status, 200);
    const reply = await manage('GET', '/models/described?customized=true');
    assert.equal(reply.status, 200);
    const [described] = reply.json<{ modelName: string; customizedMetadata: unknown }[]>();
    assert.equal(described?.modelName, 'described');
    assert.deepEqual(described.customizedMetadata, {
      labels: ['sum'],
      model: 'described',
      batch: 1,
    });
    const plain = (await manage('GET', '/models/described')).json<object[]>();
    assert.equal('customizedMetadata' in (plain[0] ?? {}), false, 'only when asked for');
  });

  it("describes a handler without describe by the model's inputs and outputs", async () => {
    assert.equal((await register('plain', 1)).status, 200);
    const reply = await manage('GET', '/models/plain/1.0?customized=true');
    const [described] = reply.json<{ customizedMetadata: unknown }[]>();
    assert.deepEqual(described?.customizedMetadata, {
      inputs: [
        { name: 'a', type: 'float32', shape: ['batch', 3] },
        { name: 'b', type: 'float32', shape: ['batch', 3] },
      ],
      outputs: [{ name: 'sum', type: 'float32', shape: ['batch', 3] }],
    });
  });

  it('turns a describe result that is not an object into {}', async () => {
    assert.equal((await register('listDescribed', 1)).status, 200);
    const reply = await manage('GET', '/models/listDescribed?customized=true');
    assert.deepEqual(reply.json<{ customizedMetadata: unknown }[]>()[0]?.customizedMetadata, {});
  });

  it('answers 503 to a customized describe when no worker is up, and ignores it for all', async () => {
    assert.equal((await register('slow', 0)).status, 200);
    const reply = await manage('GET', '/models/slow?customized=true');
    assert.equal(reply.status, 503);
    assert.deepEqual(reply.json(), {
      code: 503,
      type: 'ServiceUnavailableException',
      message:
        'Model "slow" has no worker to serve describe request. Please use scale workers API to add workers.',
    });
    const all = await manage('GET', '/models/slow/all?customized=true');
    assert.equal(all.status, 200);
  });

  it('answers 206 when a synchronous scale returns before its workers have loaded', async () => {
    assert.equal((await manage('PUT', '/models/slow?min_worker=1')).status, 202);
    const partial = await manage('PUT', '/models/slow?min_worker=1&synchronous=true');
    assert.equal(partial.status, 206);
    assert.deepEqual(partial.json(), { status: 'Workers scaling in progress...' });

    await waitFor(async () => {
      const described = await manage('GET', '/models/slow');
      return described.json<{ workers: { status: string }[] }[]>()[0]?.workers[0]?.status;
    }, 'READY');
    const done = await manage('PUT', '/models/slow?min_worker=1&synchronous=true');
    assert.equal(done.status, 200);
  });

  it('answers 507 when workers run out of memory while loading, and forgets the model', async () => {
    const reply = await register('hoarderAtLoad', 1);
    assert.equal(reply.status, 507);
    assert.deepEqual(reply.json(), {
      code: 507,
      type: 'InsufficientStorageException',
      message: 'Failed to start workers for model hoarderAtLoad version: 1.0',
    });
    assert.equal((await manage('GET', '/models/hoarderAtLoad')).status, 404);
  });

  it('answers 507 Worker died when a worker runs out of memory on a request', async () => {
    assert.equal((await register('hoarderAtRun', 1)).status, 200);
    const reply = await server.call('inference', '/predictions/hoarderAtRun', {
      body: 'x',
      key: server.keys().inference.key,
    });
    assert.equal(reply.status, 507);
    assert.equal(reply.json<{ message: string }>().message, 'Worker died.');
  });

  it("remaps a handler's 413 to 507, as TorchServe's frontend does", async () => {
    const reply = await server.call('inference', '/predictions/described', {
      body: 'too big',
      key: server.keys().inference.key,
    });
    assert.equal(reply.status, 507);
    assert.equal(reply.json<{ message: string }>().message, 'The input does not fit in memory.');
  });
});

async function waitFor(read: () => Promise<unknown>, expected: unknown): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await read()) !== expected) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
