import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { ServeError } from '../errors/index.js';
import { Batcher } from './index.js';
import { RecordingRunner, settle } from './recording-runner.js';

const seeds = 150;
const stepsPerSeed = 300;
const abortReason = new Error('aborted by the test');
const batchFailure = new Error('batch failed');
const closeError = new Error('closed');

/** Xorshift32: a fixed seed replays the same run, so a failure can name its seed. */
function seededRandom(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

function answerItem(item: number): string | Error {
  return item % 5 === 0 ? new Error(`item ${item} failed`) : `result ${item}`;
}

interface Tracked {
  readonly controller: AbortController | undefined;
  abortedWhileWaiting: boolean;
  sent: number;
  batchFailed: boolean;
  settled: number;
  outcome: { value: string } | { error: unknown } | undefined;
}

/** One seeded run: random submits, aborts, slot changes, answers and ticks, then a close. */
class Run {
  readonly random: (below: number) => number;
  readonly runner = new RecordingRunner<number, string>(answerItem);
  readonly tracked: Tracked[] = [];
  readonly batchSize: number;
  readonly delayMs: number;
  readonly queueSize: number;
  readonly batcher: Batcher<number, string>;
  /** Kept rather than thrown: the batcher would turn a throw inside runBatch into a rejection. */
  readonly problems: string[] = [];
  slots = 0;
  lastSent = -1;

  constructor(
    readonly seed: number,
    private readonly t: TestContext,
  ) {
    this.random = seededRandom(seed);
    this.batchSize = 1 + this.random(5);
    this.delayMs = this.random(3) === 0 ? 0 : 1 + this.random(20);
    this.queueSize = this.random(7);
    this.batcher = new Batcher({
      batchSize: this.batchSize,
      maxBatchDelayMs: this.delayMs,
      queueSize: this.queueSize,
      runBatch: (items) => this.runBatch(items),
      describeRefusal: () => new ServeError('ServiceUnavailableException'),
    });
  }

  async step(): Promise<void> {
    const choice = this.random(100);
    if (choice < 40) this.submit();
    else if (choice < 50) this.abortOne();
    else if (choice < 58) this.setSlots(this.random(4));
    else if (choice < 80) this.answerOne();
    else if (choice < 92) this.t.mock.timers.tick(1 + this.random(this.delayMs + 2));
    else await settle();
    assert.ok(this.batcher.remainingCapacity() <= this.queueSize);
  }

  async finish(): Promise<void> {
    this.batcher.close(closeError);
    while (this.runner.held.length > 0) {
      this.runner.answer();
      await settle();
    }
    const sentBatches = this.runner.batches.length;
    this.t.mock.timers.tick(60_000);
    await settle();
    assert.equal(this.runner.batches.length, sentBatches, 'a batch formed after close');
  }

  private submit(): void {
    const item = this.tracked.length;
    const controller = this.random(2) === 0 ? new AbortController() : undefined;
    const tracked: Tracked = {
      controller,
      abortedWhileWaiting: false,
      sent: 0,
      batchFailed: false,
      settled: 0,
      outcome: undefined,
    };
    this.tracked.push(tracked);
    this.batcher.submit(item, controller?.signal).then(
      (value) => this.record(tracked, { value }),
      (error: unknown) => this.record(tracked, { error }),
    );
  }

  private record(tracked: Tracked, outcome: Tracked['outcome']): void {
    tracked.settled += 1;
    tracked.outcome = outcome;
  }

  private abortOne(): void {
    const candidates = this.tracked.filter((entry) => entry.controller?.signal.aborted === false);
    const tracked = candidates[this.random(candidates.length + 1)];
    if (tracked === undefined) return;
    tracked.abortedWhileWaiting = tracked.sent === 0;
    tracked.controller?.abort(abortReason);
  }

  private setSlots(slots: number): void {
    this.slots = slots;
    this.batcher.setSlots(slots);
  }

  private answerOne(): void {
    const held = this.runner.held;
    if (held.length === 0) return;
    const index = this.random(held.length);
    if (this.random(10) > 0) return this.runner.answer(index);
    for (const item of held[index]?.items ?? []) this.at(item).batchFailed = true;
    this.runner.fail(batchFailure, index);
  }

  private runBatch(items: number[]): Promise<Array<string | Error>> {
    this.expect(items.length >= 1 && items.length <= this.batchSize, `batch of ${items.length}`);
    for (const item of items) {
      const tracked = this.at(item);
      this.expect(!tracked.abortedWhileWaiting, `item ${item} was sent after its abort`);
      this.expect(item > this.lastSent, `item ${item} was sent out of order`);
      tracked.sent += 1;
      this.lastSent = item;
    }
    const running = this.runner.runBatch(items);
    this.expect(this.runner.unanswered <= this.slots, 'more batches running than slots');
    return running;
  }

  private expect(condition: boolean, problem: string): void {
    if (!condition) this.problems.push(`seed ${this.seed}: ${problem}`);
  }

  at(item: number): Tracked {
    const tracked = this.tracked[item];
    assert.ok(tracked !== undefined);
    return tracked;
  }
}

function expectedOutcome(item: number, tracked: Tracked): Tracked['outcome'] | 'unsent' {
  if (tracked.sent === 0) return 'unsent';
  if (tracked.batchFailed) return { error: batchFailure };
  const answer = answerItem(item);
  return answer instanceof Error ? { error: answer } : { value: answer };
}

function checkSettledOnce(run: Run): void {
  for (const [item, tracked] of run.tracked.entries()) {
    const where = `seed ${run.seed}, item ${item}`;
    assert.equal(tracked.settled, 1, where);
    assert.ok(tracked.sent <= 1, where);
    const expected = expectedOutcome(item, tracked);
    if (expected !== 'unsent') {
      assert.deepEqual(tracked.outcome, expected, where);
      continue;
    }
    const error =
      tracked.outcome !== undefined && 'error' in tracked.outcome && tracked.outcome.error;
    const known = error instanceof ServeError || error === abortReason || error === closeError;
    assert.ok(known, `${where}: unsent item settled with ${String(error)}`);
  }
}

it('settles every submitted item exactly once under random interleavings', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let sent = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const run = new Run(seed, t);
    for (let step = 0; step < stepsPerSeed; step++) await run.step();
    await run.finish();
    assert.deepEqual(run.problems, []);
    checkSettledOnce(run);
    sent += run.runner.batches.length;
  }
  assert.ok(sent > seeds, 'the runs sent too few batches to mean anything');
});
