import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { ServeError } from '../errors/index.js';
import { Batcher } from './index.js';
import { RecordingRunner, settle } from './recording-runner.js';

const full = 'Model "m" has no worker to serve inference request.';
const refused = { name: 'ServiceUnavailableException', status: 503, message: full };

function resultOf(item: number): string | Error {
  return item % 2 === 0 ? `result ${item}` : new Error(`item ${item} failed`);
}

function setUp(queueSize = 100, runBatch?: (items: number[]) => Promise<Array<string | Error>>) {
  const runner = new RecordingRunner<number, string>(resultOf);
  const batcher = new Batcher<number, string>({
    batchSize: 4,
    maxBatchDelayMs: 0,
    queueSize,
    runBatch: runBatch ?? runner.runBatch,
    describeRefusal: () => new ServeError('ServiceUnavailableException', full),
  });
  batcher.setSlots(1);
  return { batcher, runner };
}

describe('Batcher refusals and aborts', () => {
  it('refuses with describeRefusal when the queue is full and loses nothing', async () => {
    const { batcher, runner } = setUp(2);
    const accepted = [0, 2, 4].map((item) => batcher.submit(item));
    assert.deepEqual([batcher.pending(), batcher.remainingCapacity()], [2, 0]);
    await assert.rejects(batcher.submit(6), refused);
    assert.equal(batcher.pending(), 2);
    runner.answer();
    await settle();
    runner.answer();
    assert.deepEqual(await Promise.all(accepted), ['result 0', 'result 2', 'result 4']);
    assert.deepEqual(runner.batches, [[0], [2, 4]]);
    assert.equal(batcher.remainingCapacity(), 2);
  });

  it('takes an aborted item out of the queue; it never reaches runBatch', async () => {
    const { batcher, runner } = setUp();
    const controller = new AbortController();
    const running = batcher.submit(0);
    const aborted = batcher.submit(2, controller.signal);
    const kept = batcher.submit(4);
    controller.abort(new Error('client went away'));
    await assert.rejects(aborted, { message: 'client went away' });
    assert.equal(batcher.pending(), 1);
    runner.answer();
    await settle();
    runner.answer();
    assert.deepEqual(await Promise.all([running, kept]), ['result 0', 'result 4']);
    assert.deepEqual(runner.batches, [[0], [4]]);
  });

  it('drops a forming batch whose only item aborts', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const runner = new RecordingRunner<number, string>(resultOf);
    const batcher = new Batcher<number, string>({
      batchSize: 4,
      maxBatchDelayMs: 20,
      queueSize: 0,
      runBatch: runner.runBatch,
      describeRefusal: () => new ServeError('ServiceUnavailableException', full),
    });
    batcher.setSlots(1);
    const controller = new AbortController();
    const aborted = batcher.submit(0, controller.signal);
    t.mock.timers.tick(10);
    controller.abort();
    await assert.rejects(aborted, { name: 'AbortError' });
    t.mock.timers.tick(10);
    assert.deepEqual(runner.batches, []);
    const next = batcher.submit(2);
    t.mock.timers.tick(19);
    assert.deepEqual(runner.batches, [], 'the new item starts its own delay');
    t.mock.timers.tick(1);
    runner.answer();
    assert.equal(await next, 'result 2');
  });

  it('rejects at once with the reason of a signal that already aborted', async () => {
    const { batcher, runner } = setUp();
    await assert.rejects(batcher.submit(0, AbortSignal.abort()), { name: 'AbortError' });
    assert.deepEqual([runner.batches, batcher.pending()], [[], 0]);
  });

  it('does not recall an item once its batch runs', async () => {
    const { batcher, runner } = setUp();
    const controller = new AbortController();
    const result = batcher.submit(0, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'listener left behind');
    controller.abort();
    runner.answer();
    assert.equal(await result, 'result 0');
  });
});

describe('Batcher queue size', () => {
  it('lets a free slot take an item at once even with no room to wait', async () => {
    const { batcher, runner } = setUp(0);
    const taken = batcher.submit(0);
    assert.equal(batcher.remainingCapacity(), 0);
    await assert.rejects(batcher.submit(2), refused);
    runner.answer();
    assert.equal(await taken, 'result 0');
    assert.deepEqual(runner.batches, [[0]]);
  });
});

describe('Batcher failures', () => {
  it('fails only the items whose entry is an Error', async () => {
    const { batcher, runner } = setUp();
    const results = [0, 1, 2, 3, 4].map((item) => batcher.submit(item));
    runner.answer();
    await settle();
    runner.answer();
    const outcomes = await Promise.allSettled(results);
    assert.deepEqual(runner.batches, [[0], [1, 2, 3, 4]]);
    assert.deepEqual(
      outcomes.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message,
      ),
      ['result 0', 'item 1 failed', 'result 2', 'item 3 failed', 'result 4'],
    );
  });

  it('fails every item of a rejected batch and goes on with the next', async () => {
    const { batcher, runner } = setUp();
    const first = batcher.submit(0);
    const second = [2, 4].map((item) => batcher.submit(item));
    runner.fail(new Error('Worker died.'));
    await assert.rejects(first, { message: 'Worker died.' });
    await settle();
    runner.fail(new Error('Worker died again.'));
    for (const item of second) await assert.rejects(item, { message: 'Worker died again.' });
    const third = batcher.submit(6);
    runner.answer();
    assert.equal(await third, 'result 6');
  });

  it('fails the batch when runBatch throws or answers the wrong number of entries', async () => {
    let calls = 0;
    const { batcher } = setUp(100, (items) => {
      calls += 1;
      if (calls === 1) throw new Error('thrown');
      return Promise.resolve(items.slice(1).map(String));
    });
    await assert.rejects(batcher.submit(0), { message: 'thrown' });
    await assert.rejects(batcher.submit(2), /gave 0 results for 1 items/);
    assert.equal(calls, 2);
  });
});

describe('Batcher close', () => {
  it('rejects queued items, lets running batches finish and is idempotent', async () => {
    const { batcher, runner } = setUp();
    const running = batcher.submit(0);
    const queued = [2, 4].map((item) => batcher.submit(item));
    const controller = new AbortController();
    queued.push(batcher.submit(8, controller.signal));
    const closed = new ServeError('ServiceUnavailableException', 'Closing.');
    batcher.close(closed);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'listener left behind');
    batcher.close(new Error('second close'));
    for (const item of queued) await assert.rejects(item, closed);
    await assert.rejects(batcher.submit(6), closed);
    assert.deepEqual([batcher.pending(), batcher.remainingCapacity()], [0, 0]);
    runner.answer();
    assert.equal(await running, 'result 0');
    assert.deepEqual(runner.batches, [[0]]);
  });
});

describe('Batcher options', () => {
  it('names the option that is out of range or of the wrong kind', () => {
    const runBatch = (): Promise<string[]> => Promise.resolve([]);
    const describeRefusal = (): ServeError => new ServeError('ServiceUnavailableException');
    const base = { batchSize: 1, maxBatchDelayMs: 0, queueSize: 0, runBatch, describeRefusal };
    assert.throws(() => new Batcher({ ...base, batchSize: 0 }), RangeError);
    assert.throws(() => new Batcher({ ...base, batchSize: 1.5 }), /batchSize/);
    assert.throws(() => new Batcher({ ...base, queueSize: -1 }), /queueSize/);
    assert.throws(() => new Batcher({ ...base, maxBatchDelayMs: NaN }), /maxBatchDelayMs/);
    assert.throws(() => new Batcher({ ...base, maxBatchDelayMs: 2 ** 31 }), RangeError);
    const wrongKind = { ...base, batchSize: '4' as unknown as number };
    assert.throws(() => new Batcher(wrongKind), TypeError);
    assert.throws(() => new Batcher(base).setSlots(-1), /slots/);
  });
});
