import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { ServeError } from '../errors/index.js';
import { Batcher, type BatcherOptions } from './index.js';
import { RecordingRunner, settle } from './recording-runner.js';

const noWorker = 'Model "m" has no worker to serve inference request.';

function refusal(): ServeError {
  return new ServeError('ServiceUnavailableException', noWorker);
}

const refused = { name: 'ServiceUnavailableException', status: 503, message: noWorker };

function resultOf(item: number): string {
  return `result ${item}`;
}

type Options = Partial<BatcherOptions<number, string>> & { slots?: number };

function setUp(options: Options = {}, runner = new RecordingRunner<number, string>(resultOf)) {
  const batcher = new Batcher<number, string>({
    batchSize: 1,
    maxBatchDelayMs: 0,
    queueSize: 100,
    runBatch: runner.runBatch,
    describeRefusal: refusal,
    ...options,
  });
  batcher.setSlots(options.slots ?? 1);
  return { batcher, runner };
}

function submitAll(batcher: Batcher<number, string>, items: number[]): Array<Promise<string>> {
  return items.map((item) => batcher.submit(item));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}

function mockTimeouts(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout'] });
}

describe('Batcher batch forming', () => {
  it('splits ten queued items into batches of 4, 4 and 2 on one slot', async (t) => {
    mockTimeouts(t);
    const { batcher, runner } = setUp({ batchSize: 4, maxBatchDelayMs: 50 });
    const results = submitAll(batcher, range(0, 10));
    assert.deepEqual(runner.batches, [[0, 1, 2, 3]]);
    runner.answer();
    await settle();
    assert.deepEqual(runner.batchSizes(), [4, 4]);
    runner.answer();
    await settle();
    assert.deepEqual(runner.batchSizes(), [4, 4], 'two items wait out the delay');
    t.mock.timers.tick(50);
    assert.deepEqual(runner.batches, [range(0, 4), range(4, 8), [8, 9]]);
    runner.answer();
    assert.deepEqual(await Promise.all(results), range(0, 10).map(resultOf));
  });

  it('sends a lone item alone once the delay is over', async (t) => {
    mockTimeouts(t);
    const { batcher, runner } = setUp({ batchSize: 4, maxBatchDelayMs: 20 });
    const result = batcher.submit(7);
    t.mock.timers.tick(19);
    assert.deepEqual(runner.batches, []);
    t.mock.timers.tick(1);
    assert.deepEqual(runner.batches, [[7]]);
    runner.answer();
    assert.equal(await result, 'result 7');
  });

  it('counts the delay from the first item, not the latest', async (t) => {
    mockTimeouts(t);
    const { batcher, runner } = setUp({ batchSize: 4, maxBatchDelayMs: 20 });
    const first = batcher.submit(1);
    t.mock.timers.tick(15);
    const second = batcher.submit(2);
    t.mock.timers.tick(5);
    assert.deepEqual(runner.batches, [[1, 2]]);
    runner.answer();
    assert.deepEqual(await Promise.all([first, second]), ['result 1', 'result 2']);
  });

  it('sends a full batch without waiting for the delay', async (t) => {
    mockTimeouts(t);
    const { batcher, runner } = setUp({ batchSize: 3, maxBatchDelayMs: 60_000 });
    const results = submitAll(batcher, [1, 2, 3]);
    assert.deepEqual(runner.batches, [[1, 2, 3]]);
    runner.answer();
    assert.deepEqual(await Promise.all(results), [1, 2, 3].map(resultOf));
    t.mock.timers.tick(60_000);
    assert.equal(runner.batches.length, 1, 'no timer outlived the full batch');
  });

  it('never waits with a batch size of 1', async (t) => {
    mockTimeouts(t);
    const { batcher, runner } = setUp({ batchSize: 1, maxBatchDelayMs: 60_000, slots: 2 });
    const results = submitAll(batcher, [1, 2]);
    assert.deepEqual(runner.batches, [[1], [2]]);
    runner.answer();
    runner.answer();
    assert.deepEqual(await Promise.all(results), [1, 2].map(resultOf));
  });

  it('sends whatever is queued when there is no delay', async () => {
    const { batcher, runner } = setUp({ batchSize: 4, maxBatchDelayMs: 0 });
    const results = submitAll(batcher, [1, 2, 3]);
    assert.deepEqual(runner.batches, [[1]]);
    runner.answer();
    await settle();
    assert.deepEqual(runner.batches, [[1], [2, 3]]);
    runner.answer();
    assert.deepEqual(await Promise.all(results), [1, 2, 3].map(resultOf));
  });

  it('never puts more than batchSize items in a batch', async () => {
    const { batcher, runner } = setUp({ batchSize: 3, maxBatchDelayMs: 0 });
    const results = submitAll(batcher, range(0, 20));
    while (runner.held.length > 0) {
      runner.answer();
      await settle();
    }
    await Promise.all(results);
    assert.ok(runner.batchSizes().every((size) => size >= 1 && size <= 3));
    assert.deepEqual(runner.batches.flat(), range(0, 20));
  });
});

describe('Batcher slots', () => {
  it('runs two batches at once on two slots, never more', async () => {
    const { batcher, runner } = setUp({ slots: 2 });
    const results = submitAll(batcher, range(0, 5));
    assert.equal(runner.batches.length, 2);
    runner.answer();
    await settle();
    assert.equal(runner.batches.length, 3);
    while (runner.held.length > 0) {
      runner.answer(runner.held.length - 1);
      await settle();
    }
    assert.deepEqual(await Promise.all(results), range(0, 5).map(resultOf));
    assert.equal(runner.mostUnanswered, 2);
  });

  it('routes each result to its caller when batches finish out of order', async () => {
    const { batcher, runner } = setUp({ batchSize: 3, slots: 2 });
    const resolved: number[] = [];
    const answered: number[][] = [];
    const results = range(0, 10).map((item) =>
      batcher.submit(item).then((result) => {
        resolved.push(item);
        return result;
      }),
    );
    while (runner.held.length > 0) {
      const last = runner.held.length - 1;
      answered.push([...(runner.held[last]?.items ?? [])]);
      runner.answer(last);
      await settle();
    }
    assert.deepEqual(await Promise.all(results), range(0, 10).map(resultOf));
    assert.deepEqual(resolved, answered.flat());
    assert.ok(runner.batches.length >= 4);
  });

  it('refuses new items with no slot while queued ones wait', async () => {
    const { batcher, runner } = setUp();
    const [first, second] = submitAll(batcher, [1, 2]);
    batcher.setSlots(0);
    await assert.rejects(batcher.submit(3), refused);
    assert.equal(batcher.remainingCapacity(), 0);
    runner.answer();
    assert.equal(await first, 'result 1');
    assert.deepEqual(runner.batches, [[1]]);
    batcher.setSlots(1);
    runner.answer();
    assert.equal(await second, 'result 2');
  });

  it('refuses everything before the first setSlots', async () => {
    const runner = new RecordingRunner<number, string>(resultOf);
    const batcher = new Batcher<number, string>({
      batchSize: 1,
      maxBatchDelayMs: 0,
      queueSize: 10,
      runBatch: runner.runBatch,
      describeRefusal: refusal,
    });
    await assert.rejects(batcher.submit(1), refused);
  });

  it('puts a forming batch back in line when its slot goes away', async (t) => {
    mockTimeouts(t);
    const { batcher, runner } = setUp({ batchSize: 4, maxBatchDelayMs: 20 });
    const results = submitAll(batcher, [1, 2]);
    batcher.setSlots(0);
    t.mock.timers.tick(20);
    assert.deepEqual(runner.batches, []);
    assert.equal(batcher.pending(), 2);
    batcher.setSlots(1);
    t.mock.timers.tick(20);
    assert.deepEqual(runner.batches, [[1, 2]]);
    runner.answer();
    assert.deepEqual(await Promise.all(results), [1, 2].map(resultOf));
  });
});
