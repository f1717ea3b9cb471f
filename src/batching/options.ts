import type { ServeError } from '../errors/index.js';

/** What a `Batcher` needs for one model version; nothing about HTTP, tensors or workers. */
export interface BatcherOptions<Item, Result> {
  /** Most items in one batch; at least 1. */
  readonly batchSize: number;
  /** Longest a forming batch waits for more items, counted from its first item; at least 0. */
  readonly maxBatchDelayMs: number;
  /** Most items waiting outside any batch (`job_queue_size`); one more is refused. */
  readonly queueSize: number;
  /**
   * Runs one batch and answers with one entry per item, in the items' order; an `Error` entry
   * fails only its item, a rejection fails the whole batch.
   */
  runBatch(items: Item[]): Promise<Array<Result | Error>>;
  /** The 503 to refuse an item with when the queue is full or nothing can serve it. */
  describeRefusal(): ServeError;
}

/** Node turns longer `setTimeout` delays into 1 ms, so a longer batch delay would not wait at all. */
const longestDelayMs = 2_147_483_647;

function checkNumber(name: string, value: number): void {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number, got ${typeof value}.`);
  }
}

function checkWholeNumber(name: string, value: number, min: number): void {
  checkNumber(name, value);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a whole number of at least ${min}, got ${value}.`);
  }
}

function checkDelay(name: string, value: number): void {
  checkNumber(name, value);
  if (!(value >= 0 && value <= longestDelayMs)) {
    throw new RangeError(`${name} must be from 0 to ${longestDelayMs} ms, got ${value}.`);
  }
}

/** Throws TypeError or RangeError naming the first option that a batcher cannot work with. */
export function checkBatcherOptions(options: BatcherOptions<unknown, unknown>): void {
  checkWholeNumber('batchSize', options.batchSize, 1);
  checkDelay('maxBatchDelayMs', options.maxBatchDelayMs);
  checkWholeNumber('queueSize', options.queueSize, 0);
}

/** Throws TypeError or RangeError unless `slots` is a whole number of at least 0. */
export function checkSlots(slots: number): void {
  checkWholeNumber('slots', slots, 0);
}
