import type { CancelSignal } from './cancel-signal.js';
import { checkBatcherOptions, checkSlots, type BatcherOptions } from './options.js';
import { Waiter } from './waiter.js';
import { WaitingList } from './waiting-list.js';

/**
 * The queue of one model version and the batches formed from it, as TorchServe's pollBatch forms
 * them: a free slot takes the first waiting item at once, then up to `batchSize - 1` more, waiting
 * at most `maxBatchDelayMs` from that first item; a full batch goes at once. One batch forms at a
 * time (pollBatch holds a lock), so at most one timer exists, and none while idle.
 */
export class Batcher<Item, Result> {
  private readonly waiting = new WaitingList<Waiter<Item, Result>>();
  private readonly abandon = (waiter: Waiter<Item, Result>): void => this.dropAborted(waiter);
  private readonly sendForming = (): void => {
    this.send();
    this.pump();
  };
  /** The deadline of the batch forming from the waiting items; set only while one forms. */
  private formingTimer: NodeJS.Timeout | undefined = undefined;
  private slots = 0;
  private running = 0;
  private closedWith: Error | undefined = undefined;

  /** Starts with no slots: items are refused until `setSlots` says a worker is ready. */
  constructor(private readonly options: BatcherOptions<Item, Result>) {
    checkBatcherOptions(options);
  }

  /**
   * Queues `item` and resolves with its result. Rejects at once with the close error, the abort
   * reason, or `describeRefusal()` when there is no slot or the queue is full. An abort while the
   * item waits takes it out; once its batch runs, an abort changes nothing.
   */
  submit(item: Item, signal?: CancelSignal): Promise<Result> {
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    return new Promise((resolve, reject) => {
      const waiter = new Waiter(item, resolve, reject, signal, this.abandon);
      if (signal?.aborted === true) waiter.reject(signal.reason);
      else this.enqueue(waiter);
    });
  }

  /**
   * Sets how many batches may run at once: the ready workers. With none, new items are refused
   * and queued ones wait; a forming batch left without a slot goes back to waiting.
   */
  setSlots(slots: number): void {
    checkSlots(slots);
    this.slots = slots;
    if (this.running >= slots) this.stopForming();
    this.pump();
  }

  /** Items accepted and not yet handed to `runBatch`, those of a forming batch included. */
  pending(): number {
    return this.waiting.size;
  }

  /** How many more items may wait outside any batch before submits are refused. */
  remainingCapacity(): number {
    if (this.closedWith !== undefined || this.slots === 0) return 0;
    const outside = this.isForming() ? 0 : this.waiting.size;
    return Math.max(0, this.options.queueSize - outside);
  }

  /**
   * Rejects every item not yet in a running batch, and every later submit, with `error`.
   * Running batches finish and answer their items. Calls after the first do nothing.
   */
  close(error: Error): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = error;
    this.stopForming();
    for (let waiter = this.waiting.shift(); waiter !== undefined; waiter = this.waiting.shift()) {
      waiter.stopWatchingAbort();
      waiter.reject(error);
    }
  }

  private refusal(): Error | undefined {
    if (this.closedWith !== undefined) return this.closedWith;
    if (this.slots === 0 || !this.hasRoom()) return this.options.describeRefusal();
    return undefined;
  }

  /** A new item joins a forming batch, starts one in a free slot, or waits if there is room. */
  private hasRoom(): boolean {
    if (this.isForming() || this.running < this.slots) return true;
    return this.waiting.size < this.options.queueSize;
  }

  private enqueue(waiter: Waiter<Item, Result>): void {
    this.waiting.push(waiter);
    this.pump();
    // Adding an abort listener costs microseconds in Node; an item sent at once never needs one.
    if (this.waiting.has(waiter)) waiter.watchAbort();
  }

  /** Hands waiting items to free slots; a batch goes at once when full or when there is no delay. */
  private pump(): void {
    const { batchSize, maxBatchDelayMs } = this.options;
    while (this.waiting.size > 0 && (this.isForming() || this.running < this.slots)) {
      if (this.waiting.size < batchSize && maxBatchDelayMs > 0) {
        this.formingTimer ??= setTimeout(this.sendForming, maxBatchDelayMs);
        return;
      }
      this.send();
    }
  }

  /** Takes up to `batchSize` items off the front and runs them as one batch. */
  private send(): void {
    this.stopForming();
    const waiters: Array<Waiter<Item, Result>> = [];
    const items: Item[] = [];
    while (waiters.length < this.options.batchSize) {
      const waiter = this.waiting.shift();
      if (waiter === undefined) break;
      waiter.stopWatchingAbort();
      waiters.push(waiter);
      items.push(waiter.item);
    }
    this.running += 1;
    void this.run(waiters, items);
  }

  private async run(waiters: Array<Waiter<Item, Result>>, items: Item[]): Promise<void> {
    try {
      answer(waiters, await this.options.runBatch(items));
    } catch (error: unknown) {
      for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.running -= 1;
      this.pump();
    }
  }

  private dropAborted(waiter: Waiter<Item, Result>): void {
    if (!this.waiting.remove(waiter)) return;
    if (this.waiting.size === 0) this.stopForming();
    waiter.reject(waiter.signal?.reason);
  }

  private isForming(): boolean {
    return this.formingTimer !== undefined;
  }

  private stopForming(): void {
    clearTimeout(this.formingTimer);
    this.formingTimer = undefined;
  }
}

/** Routes each entry to its item's caller; a wrong count fails the whole batch instead. */
function answer<Item, Result>(
  waiters: Array<Waiter<Item, Result>>,
  results: Array<Result | Error>,
): void {
  if (results.length !== waiters.length) {
    throw new Error(`runBatch gave ${results.length} results for ${waiters.length} items.`);
  }
  for (let index = 0; index < waiters.length; index++) {
    const waiter = waiters[index] as Waiter<Item, Result>;
    const entry = results[index] as Result | Error;
    if (entry instanceof Error) waiter.reject(entry);
    else waiter.resolve(entry);
  }
}
