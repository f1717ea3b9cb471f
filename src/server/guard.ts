import type { IncomingMessage } from 'node:http';
import type { KeyScope } from './route.js';

/** What the dispatcher needs from token authorization. */
export interface Guard {
  /** Throws a 401 or 429 ServeError unless the request holds a live key of one of `scopes`. */
  check(req: IncomingMessage, scopes: readonly KeyScope[], path: string, requestId: string): void;
}

/** The guard when token authorization is disabled: every request may proceed. */
export const openGuard: Guard = { check: () => undefined };

/**
 * Removes credentials so that nothing after the check (handlers, logs) can see them. The header
 * is set to undefined rather than deleted: deleting would slow every later read of the headers.
 */
export function stripCredentials(req: IncomingMessage): void {
  if (req.headers.authorization === undefined) return;
  req.headers.authorization = undefined;
  const raw = req.rawHeaders;
  for (let index = raw.length - 2; index >= 0; index -= 2) {
    const name = raw[index];
    if (name?.length === 13 && name.toLowerCase() === 'authorization') raw.splice(index, 2);
  }
}
