import type { ServerResponse } from 'node:http';
import type { CancelListener, CancelSignal } from '../batching/index.js';
import { ServeError } from '../errors/index.js';

/**
 * Aborts when the client goes away before its reply is written. Cheaper than an AbortController
 * per request: nothing is allocated or listened to until a queued request starts watching it.
 */
export class ClientSignal implements CancelSignal {
  private listeners: Set<CancelListener> | undefined;
  private cause: ServeError | undefined;

  constructor(private readonly res: ServerResponse) {}

  get aborted(): boolean {
    return this.res.destroyed && !this.res.writableFinished;
  }

  get reason(): unknown {
    if (!this.aborted) return undefined;
    this.cause ??= new ServeError('ServiceUnavailableException', 'Client went away.');
    return this.cause;
  }

  addEventListener(_type: 'abort', listener: CancelListener): void {
    if (this.listeners === undefined) {
      this.listeners = new Set();
      this.res.once('close', () => this.closed());
    }
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: CancelListener): void {
    this.listeners?.delete(listener);
  }

  /** Listeners hear of it once, as with `{ once: true }`. */
  private closed(): void {
    if (!this.aborted || this.listeners === undefined) return;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener.handleEvent();
  }
}
