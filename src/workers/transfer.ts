import type { Tensor } from '../engine/index.js';

export interface Transferable {
  readonly tensors: Record<string, Tensor>;
  readonly transferList: ArrayBuffer[];
}

/**
 * Prepares tensors for `postMessage` so their memory moves instead of being copied. A typed array
 * that is a window on a larger or shared buffer (Node's Buffer pool, a slice) is copied first,
 * since transferring would detach memory the array does not own. The caller's arrays are
 * detached afterwards.
 */
export function forTransfer(tensors: Readonly<Record<string, Tensor>>): Transferable {
  const transfer = new Set<ArrayBuffer>();
  const prepared: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.type === 'string') {
      prepared[name] = tensor;
      continue;
    }
    const data = ownsWholeBuffer(tensor.data) ? tensor.data : ownCopy(tensor.data);
    transfer.add(data.buffer as ArrayBuffer);
    prepared[name] = { ...tensor, data } as Tensor;
  }
  return { tensors: prepared, transferList: [...transfer] };
}

/** Copies every numeric array, for when a buffer turns out not to be transferable after all. */
export function copied(tensors: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const copies: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    const data = Array.isArray(tensor.data) ? tensor.data.slice() : ownCopy(tensor.data);
    copies[name] = { ...tensor, data } as Tensor;
  }
  return copies;
}

export function ownsWholeBuffer(data: ArrayBufferView): boolean {
  return (
    data.buffer instanceof ArrayBuffer &&
    data.byteOffset === 0 &&
    data.byteLength === data.buffer.byteLength
  );
}

const typedArraySlice = (
  Object.getPrototypeOf(Uint8Array.prototype) as {
    slice: (this: ArrayBufferView) => ArrayBufferView;
  }
).slice;

/** A copy with a buffer of its own: a Buffer's own `slice` returns a view on the same memory. */
export function ownCopy<T extends ArrayBufferView>(data: T): T {
  return typedArraySlice.call(data) as T;
}
