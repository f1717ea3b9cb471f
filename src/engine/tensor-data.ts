import type { TensorType } from './engine.js';

/** The typed array class name that holds each numeric type. */
const arrayClassOf: Readonly<Record<Exclude<TensorType, 'string'>, string>> = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  float16: 'Uint16Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
  int16: 'Int16Array',
  uint16: 'Uint16Array',
  int32: 'Int32Array',
  uint32: 'Uint32Array',
  int64: 'BigInt64Array',
  uint64: 'BigUint64Array',
  bool: 'Uint8Array',
};

export const tensorTypes: readonly TensorType[] = [
  ...Object.keys(arrayClassOf),
  'string',
] as TensorType[];

export function isTensorType(value: unknown): value is TensorType {
  return typeof value === 'string' && (tensorTypes as readonly string[]).includes(value);
}

/** The number of elements a shape holds; 1 for a scalar. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((count, dim) => count * dim, 1);
}

/**
 * Whether `data` is the array `type` needs. Compares the class by its tag rather than with
 * `instanceof` so typed arrays from another realm (a worker, a vm context) still match.
 */
export function holdsType(type: TensorType, data: unknown): boolean {
  if (type === 'string') {
    return Array.isArray(data) && data.every((item) => typeof item === 'string');
  }
  return (
    ArrayBuffer.isView(data) &&
    (data as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === arrayClassOf[type]
  );
}

/** Describes what a caller passed as data, for error messages. */
export function describeData(data: unknown): string {
  if (Array.isArray(data)) return 'an array';
  if (ArrayBuffer.isView(data)) return `a ${data.constructor.name}`;
  return typeof data;
}

export function expectedData(type: TensorType): string {
  return type === 'string' ? 'an array of strings' : `a ${arrayClassOf[type]}`;
}
