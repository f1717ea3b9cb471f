import type { Tensor, TensorInfo } from '../engine/index.js';
import type { Feeds } from './handler.js';

export interface Stacked {
  readonly feeds: Feeds;
  /** Each request's batch size, in order: how `splitOutputs` cuts the outputs back. */
  readonly sizes: number[];
}

type Data = Tensor['data'];
type NumericData = Exclude<Data, string[]>;

/**
 * What must match for feeds to share a run: input names, element types, array classes and every
 * dimension but the first. `null` when the feeds cannot be stacked: an input without a leading
 * dimension, inputs disagreeing on it, or data that does not fill its dims.
 */
export function stackKey(feeds: Readonly<Feeds>): string | null {
  if (batchSizeOf(feeds) === null) return null;
  const parts = Object.keys(feeds)
    .sort()
    .map((name) => {
      const tensor = feeds[name] as Tensor;
      const arrayClass = Object.prototype.toString.call(tensor.data);
      const trailing = tensor.dims.slice(1).join('x');
      return `${JSON.stringify(name)}:${tensor.type}:${arrayClass}:${trailing}`;
    });
  return parts.join(';');
}

/** Whether a model takes batches: every input has a first dimension that is not fixed. */
export function takesBatches(inputs: readonly TensorInfo[]): boolean {
  return inputs.length > 0 && inputs.every((input) => isDynamic(input.shape[0]));
}

/**
 * Concatenates each input of several requests' feeds along the first dimension, copying each
 * array once. `null` when the feeds do not all share a `stackKey`.
 */
export function stackFeeds(perRequest: readonly Readonly<Feeds>[]): Stacked | null {
  const [first] = perRequest;
  const key = first === undefined ? null : stackKey(first);
  if (first === undefined || key === null) return null;
  if (!perRequest.every((feeds) => stackKey(feeds) === key)) return null;
  return stackMatching(perRequest);
}

/** `stackFeeds` for at least one set of feeds known to share one non-null `stackKey`. */
export function stackMatching(perRequest: readonly Readonly<Feeds>[]): Stacked {
  const first = perRequest[0] as Readonly<Feeds>;
  const sizes = perRequest.map((feeds) => batchSizeOf(feeds) as number);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const feeds: Feeds = {};
  for (const [name, tensor] of Object.entries(first)) {
    const parts = perRequest.map((each) => (each[name] as Tensor).data);
    const data = concatenate(parts, tensor.data);
    feeds[name] = { type: tensor.type, dims: [total, ...tensor.dims.slice(1)], data } as Tensor;
  }
  return { feeds, sizes };
}

/**
 * Cuts a stacked run's outputs back into one set per request, as views on the outputs' memory.
 * An output whose first dimension is not the batch total (a scalar, a summary) goes whole to
 * every request.
 */
export function splitOutputs(outputs: Readonly<Feeds>, sizes: readonly number[]): Feeds[] {
  if (sizes.length === 1) return [{ ...outputs }];
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const perRequest: Feeds[] = sizes.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    const batched = tensor.dims.length > 0 && tensor.dims[0] === total;
    let start = 0;
    sizes.forEach((size, index) => {
      (perRequest[index] as Feeds)[name] = batched ? rows(tensor, start, size) : tensor;
      start += size;
    });
  }
  return perRequest;
}

function rows(tensor: Tensor, start: number, count: number): Tensor {
  const width = tensor.dims.slice(1).reduce((product, dim) => product * dim, 1);
  const from = start * width;
  const to = from + count * width;
  const data = Array.isArray(tensor.data)
    ? tensor.data.slice(from, to)
    : tensor.data.subarray(from, to);
  return { type: tensor.type, dims: [count, ...tensor.dims.slice(1)], data } as Tensor;
}

function concatenate(parts: readonly Data[], sample: Data): Data {
  if (Array.isArray(sample)) return (parts as string[][]).flat();
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const Kind = sample.constructor as new (length: number) => NumericData;
  const joined = new Kind(length);
  let offset = 0;
  for (const part of parts as NumericData[]) {
    setAt(joined, part, offset);
    offset += part.length;
  }
  return joined;
}

/** `set` is typed per array class; the feeds' shared key guarantees both are the same class. */
function setAt(target: NumericData, source: NumericData, offset: number): void {
  (target as Uint8Array).set(source as Uint8Array, offset);
}

/** The first dimension every input shares, or `null` when there is none. */
function batchSizeOf(feeds: Readonly<Feeds>): number | null {
  let size: number | null = null;
  for (const tensor of Object.values(feeds) as unknown[]) {
    const first = leadingDim(tensor);
    if (first === null || (size !== null && first !== size)) return null;
    size = first;
  }
  return size;
}

/** Feeds may come from a custom handler, so their shape is checked before it is trusted. */
function leadingDim(tensor: unknown): number | null {
  if (typeof tensor !== 'object' || tensor === null) return null;
  const { dims, data } = tensor as { dims?: unknown; data?: unknown };
  if (!isDims(dims) || dims.length === 0 || !isData(data)) return null;
  const count = dims.reduce((product, dim) => product * dim, 1);
  return data.length === count ? (dims[0] ?? null) : null;
}

function isDims(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((dim) => Number.isSafeInteger(dim) && dim >= 0);
}

function isData(value: unknown): value is Data {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function isDynamic(dim: number | string | undefined): boolean {
  return typeof dim === 'string' || dim === -1;
}
