/**
 * The Open Inference Protocol's binary tensor data extension, as Triton and KServe define it. A
 * body whose request carries `inference-header-content-length: N` is N bytes of JSON inference
 * request followed by the raw data of the inputs that declare `parameters.binary_data_size`, in
 * the order they are listed. Responses do the same for the outputs a request asks to get in
 * binary. Elements are row-major and little-endian at their natural size (FP16 as raw half bits,
 * BOOL as one byte 0 or 1); a BYTES element is a 4-byte little-endian length and that many bytes.
 */
import { endianness } from 'node:os';
import type { Tensor, TensorType } from '../../engine/index.js';
import type { HandlerInput, HandlerResponse } from '../handler.js';
import { isPlainObject, readJson, readText } from '../inputs.js';
import { arrayClasses } from './tensor-values.js';

export const headerLengthName = 'inference-header-content-length';

/** Typed arrays are views in the host's byte order; the wire is little-endian. */
const littleEndianHost = endianness() === 'LE';

const fixedClasses = { ...arrayClasses, int64: BigInt64Array, uint64: BigUint64Array } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** A request's JSON document and, with the binary extension, the bytes after it. */
export interface InferenceBody {
  readonly document: unknown;
  readonly binary: Uint8Array | undefined;
}

/** Reads `input` as JSON, or as JSON plus binary data when `headers` say where the JSON ends. */
export function readInferenceBody(
  input: HandlerInput,
  headers: Readonly<Record<string, string>>,
): InferenceBody {
  const value = headers[headerLengthName];
  if (value === undefined) return { document: readJson(input), binary: undefined };
  const length = headerLength(value, input);
  const document = readHeader(input, length);
  return { document, binary: input.data.subarray(length) };
}

function headerLength(value: string, input: HandlerInput): number {
  const length = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(length) || length <= 0) {
    throw new TypeError(
      `Input '${input.name}': the ${headerLengthName} header must be a positive integer, got ${JSON.stringify(value)}.`,
    );
  }
  if (length > input.data.byteLength) {
    throw new RangeError(
      `Input '${input.name}' has only ${input.data.byteLength} bytes, but its ${headerLengthName} header says the JSON takes ${length}.`,
    );
  }
  return length;
}

function readHeader(input: HandlerInput, length: number): Record<string, unknown> {
  const text = readText({ name: input.name, data: input.data.subarray(0, length) });
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(
      `Input '${input.name}' must start with ${length} bytes of JSON: ${reason}.`,
    );
  }
  if (!isPlainObject(document)) {
    throw new TypeError(
      `Input '${input.name}' must start with a JSON object of ${length} bytes: {"inputs": [...]}.`,
    );
  }
  return document;
}

/** Hands out the binary data after the JSON, input by input. */
export interface BinaryTail {
  /** The next `size` bytes, for input `name`. */
  take(size: number, name: string): Uint8Array;
  /** Refuses bytes that no input took. */
  finish(): void;
}

/** `source` names the request input the bytes came from, in messages. */
export function binaryTail(bytes: Uint8Array, source: string): BinaryTail {
  let offset = 0;
  return {
    take(size, name) {
      const left = bytes.byteLength - offset;
      if (size > left) {
        throw new RangeError(
          `Input '${name}' has "binary_data_size" ${size}, but only ${left} bytes of binary data are left in input '${source}'.`,
        );
      }
      offset += size;
      return bytes.subarray(offset - size, offset);
    },
    finish() {
      const left = bytes.byteLength - offset;
      if (left > 0) {
        throw new RangeError(
          `Input '${source}' has ${left} bytes of binary data left over after its last binary input.`,
        );
      }
    },
  };
}

/**
 * The `parameters.binary_data_size` of an item of a request's `inputs`, checked; `undefined` when
 * it has none. Without the binary extension (`binary` false) an item with `data` keeps it.
 */
export function binaryDataSize(
  item: Readonly<Record<string, unknown>>,
  name: string,
  binary: boolean,
): number | undefined {
  const { parameters } = item;
  if (!isPlainObject(parameters) || !Object.hasOwn(parameters, 'binary_data_size')) {
    return undefined;
  }
  const hasData = Object.hasOwn(item, 'data');
  if (!binary) {
    if (hasData) return undefined;
    throw new TypeError(
      `Input '${name}' has "binary_data_size" but the request has no ${headerLengthName} header.`,
    );
  }
  const size = parameters.binary_data_size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new TypeError(
      `Input '${name}' needs a non-negative integer "binary_data_size", got ${JSON.stringify(size)}.`,
    );
  }
  if (hasData) {
    throw new TypeError(`Input '${name}' has both "data" and "binary_data_size"; send one.`);
  }
  return size;
}

/**
 * The tensor data `bytes` hold for an input of `type` and shape `dims`, in a new array. `label`
 * names the input in messages, for example `Input 'a' (FP32)`.
 */
export function fromBinaryData(
  type: TensorType,
  dims: readonly number[],
  bytes: Uint8Array,
  label: string,
): Tensor['data'] {
  const count = dims.reduce((product, dim) => product * dim, 1);
  if (type === 'string') return readStrings(bytes, count, label);
  const size = count * fixedClasses[type].BYTES_PER_ELEMENT;
  if (bytes.byteLength !== size) {
    throw new RangeError(
      `${label} has "binary_data_size" ${bytes.byteLength}, but shape [${dims.join(', ')}] needs ${size} bytes.`,
    );
  }
  requireLittleEndian();
  const data = new fixedClasses[type](count);
  new Uint8Array(data.buffer).set(bytes);
  if (type === 'bool') checkBools(bytes, label);
  return data;
}

function readStrings(bytes: Uint8Array, count: number, label: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const strings: string[] = [];
  for (let offset = 0; offset < bytes.byteLength;) {
    const end = elementEnd(view, offset, `${label} element ${strings.length}`);
    strings.push(readString(bytes.subarray(offset + 4, end), label, strings.length));
    offset = end;
  }
  if (strings.length !== count) {
    throw new RangeError(`${label} has ${strings.length} elements, but its shape needs ${count}.`);
  }
  return strings;
}

/** Where the BYTES element whose length prefix starts at `offset` ends. */
function elementEnd(view: DataView, offset: number, element: string): number {
  const end = offset + 4 <= view.byteLength ? offset + 4 + view.getUint32(offset, true) : Infinity;
  if (end > view.byteLength) {
    throw new RangeError(`${element} runs past the end of the input's ${view.byteLength} bytes.`);
  }
  return end;
}

function readString(bytes: Uint8Array, label: string, index: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new TypeError(`${label} element ${index} is not UTF-8 text.`);
  }
}

function checkBools(bytes: Uint8Array, label: string): void {
  const index = bytes.findIndex((byte) => byte > 1);
  if (index >= 0) {
    throw new RangeError(`${label} element ${index} is the byte ${bytes[index]}; BOOL is 0 or 1.`);
  }
}

function requireLittleEndian(): void {
  if (!littleEndianHost) throw new Error('Binary tensor data needs a little-endian host.');
}

/** A tensor's elements in the extension's layout. */
export function toBinaryData(tensor: Tensor): Uint8Array {
  if (tensor.type === 'string') return writeStrings(tensor.data);
  requireLittleEndian();
  const { buffer, byteOffset, byteLength } = tensor.data;
  return new Uint8Array(buffer, byteOffset, byteLength);
}

function writeStrings(strings: readonly string[]): Uint8Array {
  const encoded = strings.map((text) => encoder.encode(text));
  const total = encoded.reduce((sum, bytes) => sum + 4 + bytes.byteLength, 0);
  const result = new Uint8Array(total);
  const view = new DataView(result.buffer);
  let offset = 0;
  for (const bytes of encoded) {
    view.setUint32(offset, bytes.byteLength, true);
    result.set(bytes, offset + 4);
    offset += 4 + bytes.byteLength;
  }
  return result;
}

/** A response of `document`, the JSON text, followed by `chunks`, the binary outputs in its order. */
export function binaryResponse(document: string, chunks: readonly Uint8Array[]): HandlerResponse {
  const json = encoder.encode(document);
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, json.byteLength);
  const body = new Uint8Array(total);
  body.set(json);
  let offset = json.byteLength;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return {
    contentType: 'application/octet-stream',
    headers: { [headerLengthName]: String(json.byteLength) },
    body,
  };
}

/** Which outputs a request wants in binary: `all`, unless its entry in `outputs` says otherwise. */
export interface BinaryOutputs {
  readonly all: boolean;
  readonly byName: ReadonlyMap<string, boolean>;
}

export const noBinaryOutputs: BinaryOutputs = { all: false, byName: new Map() };

/**
 * Reads `parameters.binary_data_output` and each `outputs` entry's `parameters.binary_data` from a
 * request whose `outputs`, if any, were already checked to be a list of `{"name"}` objects.
 */
export function binaryOutputs(document: Readonly<Record<string, unknown>>): BinaryOutputs {
  const all = flag(document.parameters, 'binary_data_output', 'The request') ?? false;
  const byName = new Map<string, boolean>();
  const outputs: unknown[] = Array.isArray(document.outputs) ? document.outputs : [];
  for (const item of outputs) {
    if (!isPlainObject(item) || typeof item.name !== 'string') continue;
    const choice = flag(item.parameters, 'binary_data', `Output '${item.name}'`);
    if (choice !== undefined) byName.set(item.name, choice);
  }
  return { all, byName };
}

export function isBinaryOutput(choice: BinaryOutputs, name: string): boolean {
  return choice.byName.get(name) ?? choice.all;
}

function flag(parameters: unknown, key: string, owner: string): boolean | undefined {
  if (!isPlainObject(parameters) || !Object.hasOwn(parameters, key)) return undefined;
  const value = parameters[key];
  if (typeof value !== 'boolean') {
    throw new TypeError(
      `${owner} must set "parameters.${key}" to true or false, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
