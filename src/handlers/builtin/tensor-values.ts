import type { Tensor, TensorDataMap, TensorType } from '../../engine/index.js';
import { fromHalfBits, toHalfBits } from './half-float.js';

type JsonValue = number | string | boolean;

const integerRanges: Readonly<Partial<Record<TensorType, readonly [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

const bigRanges = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
} as const;

/** JSON has no NaN or infinities; they travel as these strings both ways. */
const specialFloats: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
};

/**
 * Turns JSON values into the array a tensor of `type` holds. `label` names the input in messages,
 * for example `Input 'a' (FP32)`. A value of the wrong kind is a `TypeError`, one out of the
 * type's range a `RangeError`.
 */
export function toTensorData<T extends TensorType>(
  type: T,
  values: readonly unknown[],
  label: string,
): TensorDataMap[T] {
  const element = elementReader(type, label);
  if (type === 'string' || type === 'int64' || type === 'uint64') {
    const data = values.map((value, index) => element(value, index));
    return fillArray(type, data) as TensorDataMap[T];
  }
  // Numbers go straight into the typed array: no list in between, read once.
  const numberType: keyof typeof arrayClasses = type;
  const data = new arrayClasses[numberType](values.length);
  for (let index = 0; index < values.length; index++) {
    data[index] = element(values[index], index) as number;
  }
  return data as TensorDataMap[T];
}

/** A tensor's elements as JSON values; 64-bit integers beyond 2^53 become decimal strings. */
export function fromTensorData(tensor: Tensor): JsonValue[] {
  switch (tensor.type) {
    case 'float16':
      return Array.from(tensor.data, (bits) => floatJson(fromHalfBits(bits)));
    case 'float32':
    case 'float64': {
      const values: JsonValue[] = new Array<JsonValue>(tensor.data.length);
      for (let index = 0; index < values.length; index++) {
        values[index] = floatJson(tensor.data[index] as number);
      }
      return values;
    }
    case 'int64':
    case 'uint64':
      return Array.from(tensor.data as ArrayLike<bigint>, bigJson);
    case 'bool':
      return Array.from(tensor.data, (value) => value !== 0);
    case 'string':
      return [...tensor.data];
    default:
      return Array.from(tensor.data);
  }
}

/**
 * The same values as `fromTensorData`, already as JSON text: numbers are written directly, without
 * an array of them and a `JSON.stringify` over it (the response's largest cost on small models).
 */
export function tensorDataJson(tensor: Tensor): string {
  switch (tensor.type) {
    case 'float32':
    case 'float64':
      return floatsJson(tensor.data);
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
      return `[${tensor.data.join(',')}]`;
    default:
      return JSON.stringify(fromTensorData(tensor));
  }
}

/** Finite numbers as `String` writes them, which is how JSON writes them; the rest quoted. */
function floatsJson(data: Float32Array | Float64Array): string {
  let text = '[';
  for (let index = 0; index < data.length; index++) {
    const value = data[index] as number;
    if (index > 0) text += ',';
    text += Number.isFinite(value) ? String(value) : `"${value}"`;
  }
  return `${text}]`;
}

function floatJson(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function bigJson(value: bigint): number | string {
  const small = Number(value);
  return Number.isSafeInteger(small) ? small : value.toString();
}

type Reader = (value: unknown, index: number) => number | bigint | string;

function elementReader(type: TensorType, label: string): Reader {
  const fail = (kind: string, value: unknown, index: number): TypeError =>
    new TypeError(`${label} needs ${kind}; element ${index} is ${JSON.stringify(value)}.`);
  if (type === 'string') {
    return (value, index) => {
      if (typeof value !== 'string') throw fail('strings', value, index);
      return value;
    };
  }
  if (type === 'bool') {
    return (value, index) => {
      if (typeof value !== 'boolean') throw fail('true or false', value, index);
      return value ? 1 : 0;
    };
  }
  if (type === 'int64' || type === 'uint64') return bigIntReader(type, label, fail);
  const range = integerRanges[type];
  if (range !== undefined) return integerReader(range, label, fail);
  return (value, index) => {
    const number = typeof value === 'string' ? specialFloats[value] : value;
    if (typeof number !== 'number') throw fail('numbers', value, index);
    return type === 'float16' ? toHalfBits(number) : number;
  };
}

type Fail = (kind: string, value: unknown, index: number) => TypeError;

function integerReader(range: readonly [number, number], label: string, fail: Fail): Reader {
  const [low, high] = range;
  return (value, index) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw fail('integers', value, index);
    if (value < low || value > high) {
      throw new RangeError(`${label} element ${index} is ${value}, outside ${low} to ${high}.`);
    }
    return value;
  };
}

function bigIntReader(type: 'int64' | 'uint64', label: string, fail: Fail): Reader {
  const [low, high] = bigRanges[type];
  return (value, index) => {
    const big = toBigInt(value, label, index);
    if (big === undefined) throw fail('integers (numbers or decimal strings)', value, index);
    if (big < low || big > high) {
      throw new RangeError(`${label} element ${index} is ${big}, outside ${low} to ${high}.`);
    }
    return big;
  };
}

/** A JSON number beyond 2^53 was already rounded by the parser, so only a string is exact. */
function toBigInt(value: unknown, label: string, index: number): bigint | undefined {
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? BigInt(value) : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(
      `${label} element ${index} is beyond 2^53 and lost precision as a JSON number; send it as a decimal string.`,
    );
  }
  return BigInt(value);
}

function fillArray(type: TensorType, data: (number | bigint | string)[]): Tensor['data'] {
  switch (type) {
    case 'string':
      return data as string[];
    case 'int64':
      return BigInt64Array.from(data as bigint[]);
    case 'uint64':
      return BigUint64Array.from(data as bigint[]);
    default:
      return arrayClasses[type].from(data as number[]);
  }
}

/** The typed array holding each element type but strings and 64-bit integers. */
export const arrayClasses = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bool: Uint8Array,
} as const;
