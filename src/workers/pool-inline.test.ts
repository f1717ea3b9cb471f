import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { fixturePath } from '../../test/fixtures/models/fixtures.js';
import { silentLogger } from '../logging/index.js';
import { startInlineThread } from './inline-thread.js';
import { failureOf, jsonRequest, responseText, waitUntil } from './pool-fixtures.js';
import { WorkerPool } from './pool.js';
import { startWorkerThread, type SpawnThread } from './spawn.js';

const pools: WorkerPool[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close(10_000)));
});

function addPool(spawnThread: SpawnThread, modelPath = fixturePath('add.onnx')): WorkerPool {
  const pool = new WorkerPool({
    modelPath,
    modelName: 'add',
    minWorkers: 0,
    maxWorkers: 2,
    startupTimeoutMs: 30_000,
    responseTimeoutMs: 30_000,
    retryBackoffUnitMs: 60_000,
    logger: silentLogger(),
    spawnThread,
    handler: {
      spec: undefined,
      defaultName: 'tensor',
      modelName: 'add',
      modelVersion: '1.0',
      modelDir: '.',
      config: {},
      batchSize: 4,
    },
  });
  pools.push(pool);
  return pool;
}

function addFeeds() {
  return {
    a: { type: 'float32', dims: [1, 3], data: Float32Array.of(1, 2, 3) },
    b: { type: 'float32', dims: [1, 3], data: Float32Array.of(0.5, 0.5, 0.5) },
  } as const;
}

describe('inline workers', () => {
  test('answer batches exactly as worker threads do, bad requests included', async () => {
    const requests = () => [
      jsonRequest({ a: [[1, 2, 3]], b: [[4, 5, 6]] }),
      jsonRequest({ a: [[1]] }),
    ];
    const threaded = addPool(startWorkerThread);
    const inline = addPool(startInlineThread);
    await Promise.all([threaded.scale(1), inline.scale(1)]);

    const [fromThread, fromInline] = await Promise.all([
      threaded.runBatch(requests()),
      inline.runBatch(requests()),
    ]);

    const outputs = (result: Parameters<typeof responseText>[0]): unknown =>
      (JSON.parse(responseText(result)) as { outputs: unknown }).outputs;
    assert.deepEqual(outputs(fromInline[0]), outputs(fromThread[0]));
    assert.match(responseText(fromInline[0]), /"data":\[5,7,9\]/);
    assert.equal(failureOf(fromInline[1]).message, failureOf(fromThread[1]).message);
    assert.deepEqual(inline.signature(), threaded.signature());
  });

  test('run on this thread: the feeds are handed over, not moved to another thread', async () => {
    const threaded = addPool(startWorkerThread);
    const inline = addPool(startInlineThread);
    await Promise.all([threaded.scale(1), inline.scale(1)]);
    const [toThread, toInline] = [addFeeds(), addFeeds()];

    const [threadOutputs, inlineOutputs] = await Promise.all([
      threaded.run(toThread),
      inline.run(toInline),
    ]);

    assert.deepEqual(inlineOutputs.sum?.data, threadOutputs.sum?.data);
    assert.equal(toThread.a.data.byteLength, 0, 'a thread worker detaches what it was sent');
    assert.equal(toInline.a.data.byteLength, 12, 'an inline worker leaves the caller its arrays');
  });

  test('scale up and down, describe, and close like thread workers', async () => {
    const pool = addPool(startInlineThread);
    await pool.scale(2);
    assert.equal(pool.readyCount(), 2);
    assert.ok(pool.describe().every((worker) => worker.pid === process.pid));

    await pool.scale(1);
    await waitUntil(() => pool.describe().length === 1);
    const metadata = await pool.describeHandler();
    assert.ok('inputs' in metadata, JSON.stringify(metadata));

    assert.equal(await pool.close(5_000), true);
    await assert.rejects(pool.runBatch([jsonRequest({ a: [[1, 2, 3]] })]), { status: 503 });
  });

  test('a model that does not load fails the scale with the runtime message', async () => {
    const pool = addPool(startInlineThread, fixturePath('not-a-model.onnx'));
    await assert.rejects(pool.scale(1), { status: 500 });
    assert.equal(pool.readyCount(), 0);
  });
});
