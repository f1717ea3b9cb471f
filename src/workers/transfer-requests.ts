import type { HandlerRequest } from '../handlers/index.js';
import { ownCopy, ownsWholeBuffer } from './transfer.js';
import type { BatchResult } from './protocol.js';

export interface Movable<T> {
  readonly value: T;
  readonly transferList: ArrayBuffer[];
}

/** Inputs below this size share one buffer per batch: moving a buffer costs more than copying. */
const PACKED_INPUT_BYTES = 64 * 1024;

const BINARY_HEADER = 'inference-header-content-length';

/**
 * Prepares requests for `postMessage` so their bytes move. Small inputs are copied into one
 * buffer for the whole batch, and each becomes a view on it; a large input moves on its own, after
 * a copy when it is a window on a larger buffer (Node's Buffer pool, a slice of a body). The
 * caller's own large arrays are detached afterwards. Headers stay behind unless `keepHeaders`,
 * but for the binary tensor extension's: the built-in handlers read no other, and they cost more
 * to send than the inputs.
 */
export function requestsForTransfer(
  requests: readonly HandlerRequest[],
  keepHeaders = true,
): Movable<HandlerRequest[]> {
  const transfer = new Set<ArrayBuffer>();
  const pack = packSmallInputs(requests);
  if (pack !== undefined) transfer.add(pack);
  let offset = 0;
  const place = (data: Uint8Array): Uint8Array => {
    if (pack === undefined || data.byteLength >= PACKED_INPUT_BYTES) return movable(data, transfer);
    const view = new Uint8Array(pack, offset, data.byteLength);
    offset += data.byteLength;
    return view;
  };
  const value = requests.map((request) => ({
    ...request,
    inputs: request.inputs.map((input) => ({ ...input, data: place(input.data) })),
    headers: keepHeaders ? request.headers : builtinHeaders(request.headers),
  }));
  return { value, transferList: [...transfer] };
}

/** The one header a built-in handler reads: where the binary tensor extension's JSON ends. */
function builtinHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const length = headers[BINARY_HEADER];
  return length === undefined ? {} : { [BINARY_HEADER]: length };
}

/** One buffer holding every small input of the batch, in order; none when there are none. */
function packSmallInputs(requests: readonly HandlerRequest[]): ArrayBuffer | undefined {
  let size = 0;
  for (const request of requests) {
    for (const { data } of request.inputs) {
      if (data.byteLength < PACKED_INPUT_BYTES) size += data.byteLength;
    }
  }
  if (size === 0) return undefined;
  const pack = new Uint8Array(size);
  let offset = 0;
  for (const request of requests) {
    for (const { data } of request.inputs) {
      if (data.byteLength >= PACKED_INPUT_BYTES) continue;
      pack.set(data, offset);
      offset += data.byteLength;
    }
  }
  return pack.buffer;
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
