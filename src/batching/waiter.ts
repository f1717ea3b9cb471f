import type { CancelSignal } from './cancel-signal.js';
import type { Linked } from './waiting-list.js';

const once = { once: true } as const;

/** One submitted item from `submit` until it is handed to a batch: the item and its caller. */
export class Waiter<Item, Result> implements Linked<Waiter<Item, Result>> {
  previous: Waiter<Item, Result> | undefined = undefined;
  next: Waiter<Item, Result> | undefined = undefined;
  private watching = false;

  constructor(
    readonly item: Item,
    readonly resolve: (result: Result) => void,
    readonly reject: (error: unknown) => void,
    readonly signal: CancelSignal | undefined,
    private readonly onAbort: (waiter: Waiter<Item, Result>) => void,
  ) {}

  /** Called by `signal`: the waiter is its own abort listener, which spares a closure per item. */
  handleEvent(): void {
    this.onAbort(this);
  }

  watchAbort(): void {
    if (this.signal === undefined) return;
    this.signal.addEventListener('abort', this, once);
    this.watching = true;
  }

  /** Ends the abort watch: from here on the caller is answered by the batch or by `close`. */
  stopWatchingAbort(): void {
    if (!this.watching) return;
    this.signal?.removeEventListener('abort', this);
    this.watching = false;
  }
}
