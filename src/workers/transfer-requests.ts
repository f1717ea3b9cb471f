import type { HandlerRequest } from '../handlers/index.js';
import { ownCopy, ownsWholeBuffer } from './transfer.js';
import type { BatchResult } from './protocol.js';

export interface Movable<T> {
  readonly value: T;
  readonly transferList: ArrayBuffer[];
}

/**
 * Prepares requests for `postMessage` so their bytes move: an input that is a window on a larger
 * buffer (Node's Buffer pool, a slice of a body) is copied first. The caller's own arrays are
 * detached afterwards.
 */
export function requestsForTransfer(
  requests: readonly HandlerRequest[],
): Movable<HandlerRequest[]> {
  const transfer = new Set<ArrayBuffer>();
  const value = requests.map((request) => ({
    ...request,
    inputs: request.inputs.map((input) => ({ ...input, data: movable(input.data, transfer) })),
  }));
  return { value, transferList: [...transfer] };
}

/** The same for a batch's answers, whose byte bodies move back to the main thread. */
export function resultsForTransfer(results: readonly BatchResult[]): Movable<BatchResult[]> {
  const transfer = new Set<ArrayBuffer>();
  const value = results.map((result) =>
    'body' in result && result.body instanceof Uint8Array
      ? { ...result, body: movable(result.body, transfer) }
      : result,
  );
  return { value, transferList: [...transfer] };
}

/** Copies every byte array, for when a buffer turns out not to be transferable after all. */
export function copiedRequests(requests: readonly HandlerRequest[]): HandlerRequest[] {
  return requests.map((request) => ({
    ...request,
    inputs: request.inputs.map((input) => ({ ...input, data: ownCopy(input.data) })),
  }));
}

export function copiedResults(results: readonly BatchResult[]): BatchResult[] {
  return results.map((result) =>
    'body' in result && result.body instanceof Uint8Array
      ? { ...result, body: ownCopy(result.body) }
      : result,
  );
}

function movable(data: Uint8Array, transfer: Set<ArrayBuffer>): Uint8Array {
  const owned = ownsWholeBuffer(data) ? data : ownCopy(data);
  transfer.add(owned.buffer as ArrayBuffer);
  return owned;
}
