import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { afterEach, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { fixturePath } from '../../test/fixtures/models/fixtures.js';
import type { Tensor } from '../engine/index.js';
import { silentLogger } from '../logging/index.js';
import { WorkerPool, type WorkerPoolOptions } from './pool.js';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';
import { startWorkerThread } from './spawn.js';

/** Loop steps that keep a worker busy for about a second: several times the short timeout below. */
const slowSteps = 1_500_000n;
const shortResponseTimeoutMs = 200;

const pools: WorkerPool[] = [];

// Close waits for every thread: a process that exits while a thread is inside a run aborts.
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close(10_000)));
});

interface Spawned {
  threads: Worker[];
  configs: WorkerConfig[];
}

function createPool(overrides: Partial<WorkerPoolOptions> = {}): WorkerPool & Spawned {
  const spawned: Spawned = { threads: [], configs: [] };
  const pool = new WorkerPool({
    modelPath: fixturePath('add.onnx'),
    minWorkers: 0,
    maxWorkers: 2,
    startupTimeoutMs: 30_000,
    responseTimeoutMs: 30_000,
    retryBackoffUnitMs: 5,
    logger: silentLogger(),
    spawnThread: (config) => {
      const thread = startWorkerThread(config);
      spawned.threads.push(thread);
      spawned.configs.push(config);
      return thread;
    },
    ...overrides,
  });
  pools.push(pool);
  return Object.assign(pool, spawned);
}

function addFeeds(seed: number): { feeds: Record<string, Tensor>; expected: number[] } {
  const a = [seed, seed + 0.5, -seed];
  const b = [1.25, seed * 2, 3];
  const feeds: Record<string, Tensor> = {
    a: { type: 'float32', dims: [1, 3], data: Float32Array.from(a) },
    b: { type: 'float32', dims: [1, 3], data: Float32Array.from(b) },
  };
  return { feeds, expected: a.map((x, i) => Math.fround(Math.fround(x) + Math.fround(b[i] ?? 0))) };
}

function spinFeeds(steps: bigint): Record<string, Tensor> {
  return {
    iterations: { type: 'int64', dims: [], data: BigInt64Array.from([steps]) },
    x: { type: 'float32', dims: [256], data: new Float32Array(256) },
  };
}

const workerDied = { name: 'InternalServerException', message: 'Worker died.' };

async function assertServes(pool: WorkerPool): Promise<void> {
  const { feeds, expected } = addFeeds(7);
  const outputs = await pool.run(feeds);
  assert.deepEqual([...(outputs.sum?.data as Float32Array)], expected);
}

test('runs concurrent jobs on two workers, each result matching', async () => {
  const pool = createPool();
  await pool.scale(2);
  assert.deepEqual(
    pool.describe().map((worker) => worker.status),
    ['READY', 'READY'],
  );
  const jobs = Array.from({ length: 24 }, (_, seed) => addFeeds(seed));
  const answered = pool.threads.map(() => 0);
  pool.threads.forEach((thread, index) => {
    thread.on('message', (message: FromWorker) => {
      if (message.kind === 'result') answered[index] = (answered[index] ?? 0) + 1;
    });
  });
  const results = await Promise.all(jobs.map((job) => pool.run(job.feeds)));
  results.forEach((outputs, index) => {
    assert.deepEqual(outputs.sum?.dims, [1, 3]);
    assert.deepEqual([...(outputs.sum?.data as Float32Array)], jobs[index]?.expected);
  });
  assert.equal(answered.length, 2);
  assert.ok(
    answered.every((count) => count > 0),
    `each worker served: ${answered.join(', ')}`,
  );
});

test('shares the cores among workers unless told otherwise', async () => {
  const pool = createPool();
  await pool.scale(2);
  const threads = Math.max(1, Math.floor(availableParallelism() / 2));
  assert.deepEqual(
    pool.configs.map((config) => config.sessionOptions.intraOpThreads),
    [threads, threads],
  );
  const pinned = createPool({ sessionOptions: { intraOpThreads: 3 } });
  await pinned.scale(1);
  assert.equal(pinned.configs[0]?.sessionOptions.intraOpThreads, 3);
});

test('keeps an input error a TypeError or RangeError and keeps the worker', async () => {
  const pool = createPool();
  await pool.scale(1);
  const { feeds } = addFeeds(1);
  await assert.rejects(pool.run({ a: feeds.a! }), {
    name: 'TypeError',
    message: /Missing input 'b'/,
  });
  const wide: Tensor = { type: 'float32', dims: [1, 4], data: new Float32Array(4) };
  await assert.rejects(pool.run({ a: wide, b: addFeeds(1).feeds.b! }), {
    name: 'RangeError',
    message: /Input 'a' must have shape \[batch, 3\]/,
  });
  await assertServes(pool);
  assert.equal(pool.threads.length, 1);
});

test('rejects the job of a worker that exits, then serves from a replacement', async () => {
  const pool = createPool({ modelPath: fixturePath('spin.onnx'), maxWorkers: 1 });
  await pool.scale(1);
  const [first] = pool.describe();
  // Ending the thread from outside while a run is inside the runtime aborts the process (see
  // StopMessage), so the thread is made to exit by a message queued ahead of the job.
  pool.threads[0]?.postMessage({ kind: 'stop' } satisfies ToWorker);
  await assert.rejects(pool.run(spinFeeds(200_000n)), workerDied);

  const outputs = await pool.run(spinFeeds(3n));
  assert.deepEqual([...(outputs.y?.data as Float32Array)], new Array<number>(256).fill(3));
  const ready = pool.describe().filter((worker) => worker.status === 'READY');
  assert.equal(ready.length, 1);
  assert.notEqual(ready[0]?.id, first?.id);
});

test('replaces an idle worker whose thread is terminated', async () => {
  const pool = createPool({ maxWorkers: 1 });
  await pool.scale(1);
  await pool.threads[0]?.terminate();
  await assertServes(pool);
  assert.equal(pool.threads.length, 2);
});

test('treats a job past the response timeout as a dead worker, then recovers', async () => {
  const pool = createPool({
    modelPath: fixturePath('spin.onnx'),
    maxWorkers: 1,
    responseTimeoutMs: shortResponseTimeoutMs,
  });
  await pool.scale(1);
  await assert.rejects(pool.run(spinFeeds(slowSteps)), workerDied);
  const outputs = await pool.run(spinFeeds(2n));
  assert.deepEqual([...(outputs.y?.data as Float32Array)], new Array<number>(256).fill(2));
  assert.equal(pool.threads.length, 2);
});

test('rejects scale, and jobs waiting on it, when a worker cannot load the model', async () => {
  const pool = createPool({ modelPath: fixturePath('not-a-model.onnx') });
  const scaling = pool.scale(1);
  const waiting = pool.run(addFeeds(1).feeds);
  await assert.rejects(scaling, {
    name: 'InternalServerException',
    message: 'Failed to start workers for model not-a-model.onnx.',
  });
  await assert.rejects(waiting, { name: 'ServiceUnavailableException' });
});

test('retries a worker that fails to load after a Fibonacci back-off', async () => {
  const delays: number[] = [];
  const enough = 3;
  let sawEnough: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (sawEnough = resolve));
  const logger = pino(
    { level: 'info' },
    {
      write(line: string) {
        const match = /in (\d+) ms\./.exec((JSON.parse(line) as { msg: string }).msg);
        if (match !== null && delays.push(Number(match[1])) === enough) sawEnough();
      },
    },
  );
  const pool = createPool({ modelPath: fixturePath('not-a-model.onnx'), logger });
  await assert.rejects(pool.scale(1));
  await done;
  assert.deepEqual(delays.slice(0, enough), [5, 5, 10]);
});

test('rejects scale when workers do not load within the startup timeout', async () => {
  const pool = createPool({ startupTimeoutMs: 1, modelName: 'add' });
  await assert.rejects(pool.scale(1), { message: 'Failed to start workers for model add.' });
});

test('refuses jobs with no workers', async () => {
  const pool = createPool({ modelName: 'add' });
  await assert.rejects(pool.run(addFeeds(1).feeds), {
    name: 'ServiceUnavailableException',
    message: 'No worker is available for model add.',
  });
});

test('scales down idle workers first', async () => {
  const pool = createPool();
  await pool.scale(2);
  await pool.scale(1);
  const statuses = pool.describe().map((worker) => worker.status);
  assert.equal(statuses.filter((status) => status === 'READY').length, 1);
  await assertServes(pool);
  await pool.scale(5);
  assert.equal(pool.describe().filter((worker) => worker.status === 'READY').length, 2);
});

test('close rejects running and queued jobs, refuses new ones, is idempotent', async () => {
  const pool = createPool({ modelPath: fixturePath('spin.onnx'), maxWorkers: 1 });
  await pool.scale(1);
  const running = pool.run(spinFeeds(200_000n));
  const queued = [pool.run(spinFeeds(1n)), pool.run(spinFeeds(2n))];
  const scaledDown = { name: 'ServiceUnavailableException', message: 'Worker scaled down.' };

  const closing = pool.close(5_000);
  assert.equal(pool.close(5_000), closing);
  await Promise.all([running, ...queued].map((job) => assert.rejects(job, scaledDown)));
  await closing;
  await assert.rejects(pool.run(spinFeeds(1n)), { name: 'ServiceUnavailableException' });
  await assert.rejects(pool.scale(1), { name: 'ServiceUnavailableException' });
  assert.deepEqual(pool.describe(), []);
});
