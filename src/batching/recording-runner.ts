/** A batch a `RecordingRunner` received and has not answered yet. */
export interface HeldBatch<Item> {
  readonly items: readonly Item[];
  /** Answers every item by the runner's `answerItem`. */
  answer(): void;
  /** Rejects the whole batch. */
  fail(error: Error): void;
}

/**
 * A fake `runBatch` for tests: it records every batch, counts the batches left unanswered, and
 * holds each one until the test answers it.
 */
export class RecordingRunner<Item, Result> {
  readonly batches: Item[][] = [];
  readonly held: Array<HeldBatch<Item>> = [];
  unanswered = 0;
  mostUnanswered = 0;

  constructor(private readonly answerItem: (item: Item) => Result | Error) {}

  readonly runBatch = (items: Item[]): Promise<Array<Result | Error>> => {
    this.batches.push([...items]);
    this.unanswered += 1;
    this.mostUnanswered = Math.max(this.mostUnanswered, this.unanswered);
    return new Promise((resolve, reject) => {
      this.held.push(this.holdBatch(items, resolve, reject));
    });
  };

  batchSizes(): number[] {
    return this.batches.map((batch) => batch.length);
  }

  /** Answers the held batch at `index` (the oldest by default) and forgets it. */
  answer(index = 0): void {
    this.take(index).answer();
  }

  fail(error: Error, index = 0): void {
    this.take(index).fail(error);
  }

  private take(index: number): HeldBatch<Item> {
    const [batch] = this.held.splice(index, 1);
    if (batch === undefined) throw new RangeError(`No held batch at ${index}.`);
    return batch;
  }

  private holdBatch(
    items: Item[],
    resolve: (results: Array<Result | Error>) => void,
    reject: (error: Error) => void,
  ): HeldBatch<Item> {
    const done = (): void => {
      this.unanswered -= 1;
    };
    return {
      items,
      answer: () => {
        done();
        resolve(items.map(this.answerItem));
      },
      fail: (error) => {
        done();
        reject(error);
      },
    };
  }
}

/** Lets every pending promise reaction run; timers are left alone, mocked or not. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
