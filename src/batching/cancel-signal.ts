/** An abort listener in the `handleEvent` form, which spares a closure per listener. */
export interface CancelListener {
  handleEvent(): void;
}

/**
 * What the batcher needs to know of a caller that may go away: whether it has, why, and a way to
 * be told. An `AbortSignal` is one; the HTTP layer has a cheaper one of its own.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: CancelListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: CancelListener): void;
}
