import type { Tensor, TensorInfo } from '../../engine/index.js';
import type { Feeds } from '../handler.js';
import { isPlainObject } from '../inputs.js';
import { datatypeOf, datatypes, tensorTypeOf } from './kserve-datatypes.js';
import {
  binaryDataSize,
  binaryOutputs,
  binaryTail,
  fromBinaryData,
  noBinaryOutputs,
  type BinaryOutputs,
  type BinaryTail,
} from './tensor-binary.js';
import { toTensorData } from './tensor-values.js';

export interface TensorRequest {
  /** The request's own `id`, when it sent a non-blank one. */
  readonly id: string | undefined;
  readonly feeds: Feeds;
  /** The outputs the request asked for; all of them when `undefined`. */
  readonly outputs: readonly string[] | undefined;
  /** The outputs to answer in binary (the binary tensor data extension). */
  readonly binaryOutputs: BinaryOutputs;
}

type Model = ReadonlyMap<string, TensorInfo>;

/** A model's inputs by name, built once per list of inputs (a handler's context keeps its own). */
const models = new WeakMap<readonly TensorInfo[], Model>();

function modelOf(inputs: readonly TensorInfo[]): Model {
  let model = models.get(inputs);
  if (model === undefined) {
    model = new Map(inputs.map((input) => [input.name, input]));
    models.set(inputs, model);
  }
  return model;
}

/**
 * Reads an Open Inference Protocol request, `{"id"?, "inputs": [{"name", "shape", "datatype",
 * "data"}], "outputs"?: [{"name"}]}`, or the shorthand `{"<input name>": <nested array>}`, into
 * feeds checked against the model's inputs. `source` names the request input in messages.
 * `binary` is the data after the JSON when the request uses the binary extension.
 */
export function parseTensorRequest(
  document: unknown,
  inputs: readonly TensorInfo[],
  source: string,
  binary?: Uint8Array,
): TensorRequest {
  const model = modelOf(inputs);
  if (!isPlainObject(document)) {
    throw new TypeError(
      `Input '${source}' must be a JSON object: {"inputs": [...]} or {"<input name>": values}.`,
    );
  }
  const full = isFullForm(document);
  const tail = binary === undefined ? undefined : binaryTail(binary, source);
  const feeds = full
    ? fullFeeds(document.inputs as unknown[], model, tail)
    : shorthandFeeds(document, model);
  tail?.finish();
  requireAll(feeds, inputs);
  const id =
    full && typeof document.id === 'string' && document.id.trim() !== '' ? document.id : undefined;
  if (!full) return { id, feeds, outputs: undefined, binaryOutputs: noBinaryOutputs };
  const outputs = requestedOutputs(document.outputs);
  return { id, feeds, outputs, binaryOutputs: binaryOutputs(document) };
}

function isFullForm(document: Record<string, unknown>): boolean {
  const { inputs } = document;
  return Array.isArray(inputs) && inputs.length > 0 && inputs.every(isPlainObject);
}

function fullFeeds(items: readonly unknown[], model: Model, tail: BinaryTail | undefined): Feeds {
  const feeds: Feeds = {};
  items.forEach((item, position) => {
    const [name, tensor] = fullTensor(item as Record<string, unknown>, position, model, tail);
    if (Object.hasOwn(feeds, name)) throw new TypeError(`Input '${name}' appears twice.`);
    feeds[name] = tensor;
  });
  return feeds;
}

function fullTensor(
  item: Record<string, unknown>,
  position: number,
  model: Model,
  tail: BinaryTail | undefined,
): [string, Tensor] {
  const { name, datatype, shape, data } = item;
  if (typeof name !== 'string') throw new TypeError(`inputs[${position}] needs a "name" string.`);
  const info = modelInput(model, name);
  const expected = datatypeOf(info.type);
  checkDatatype(datatype, expected, name);
  const dims = checkedDims(shape, name);
  const label = `Input '${name}' (${expected})`;
  const size = binaryDataSize(item, name, tail !== undefined);
  if (size !== undefined && tail !== undefined) {
    checkShape(info, dims);
    const binaryData = fromBinaryData(info.type, dims, tail.take(size, name), label);
    return [name, { type: info.type, dims, data: binaryData } as Tensor];
  }
  const values = jsonValues(data, dims, name);
  checkShape(info, dims);
  return [name, { type: info.type, dims, data: toTensorData(info.type, values, label) } as Tensor];
}

/** An input's JSON `data` as one list of as many values as `dims` holds. */
function jsonValues(data: unknown, dims: readonly number[], name: string): readonly unknown[] {
  const values = Array.isArray(data) ? flatten(data) : [data];
  const count = dims.reduce((product, dim) => product * dim, 1);
  if (values.length !== count) {
    throw new RangeError(
      `Input '${name}' has ${values.length} values but shape ${formatShape(dims)} needs ${count}.`,
    );
  }
  return values;
}

function checkDatatype(datatype: unknown, expected: string, name: string): void {
  if (typeof datatype !== 'string' || tensorTypeOf(datatype) === undefined) {
    const got = JSON.stringify(datatype) ?? 'nothing';
    throw new TypeError(
      `Input '${name}' needs a "datatype", one of ${datatypes.join(', ')}; got ${got}.`,
    );
  }
  if (datatype !== expected)
    throw new TypeError(`Input '${name}' must be ${expected}, got ${datatype}.`);
}

function shorthandFeeds(document: Record<string, unknown>, model: Model): Feeds {
  const feeds: Feeds = {};
  for (const [name, value] of Object.entries(document)) {
    const info = modelInput(model, name);
    const dims = nestedShape(value, name);
    checkShape(info, dims);
    const values = flattenRectangular(value, dims);
    const label = `Input '${name}' (${datatypeOf(info.type)})`;
    feeds[name] = { type: info.type, dims, data: toTensorData(info.type, values, label) } as Tensor;
  }
  return feeds;
}

/** The shape of a nested array, which must be rectangular. */
function nestedShape(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) return [];
  if (value.length === 0) return [0];
  const inner = nestedShape(value[0], name);
  for (let index = 1; index < value.length; index++) {
    const item: unknown = value[index];
    // A row of numbers, the common case, is checked without a shape per number.
    if (inner.length === 0 && !Array.isArray(item)) continue;
    const shape = nestedShape(item, name);
    if (!sameShape(shape, inner)) {
      throw new RangeError(
        `Input '${name}' must be a rectangular nested array; it mixes shapes ${formatShape(inner)} and ${formatShape(shape)}.`,
      );
    }
  }
  return [value.length, ...inner];
}

/** `data` as one list: as it is when already flat, the common case; else flattened. */
function flatten(data: readonly unknown[]): readonly unknown[] {
  for (const item of data) if (Array.isArray(item)) return data.flat(Infinity);
  return data;
}

/**
 * A nested array of the rectangular shape `dims` (checked by `nestedShape`) as one list, row by
 * row. `Array.prototype.flat(Infinity)` does the same several times slower.
 */
function flattenRectangular(value: unknown, dims: readonly number[]): unknown[] {
  if (dims.length === 0) return [value];
  const values = new Array<unknown>(dims.reduce((product, dim) => product * dim, 1));
  const last = dims.length - 1;
  let next = 0;
  const visit = (list: readonly unknown[], axis: number): void => {
    if (axis === last) {
      for (const item of list) values[next++] = item;
      return;
    }
    for (const item of list) visit(item as unknown[], axis + 1);
  };
  visit(value as unknown[], 0);
  return values;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, index) => dim === b[index]);
}

function modelInput(model: Model, name: string): TensorInfo {
  const info = model.get(name);
  if (info === undefined) {
    throw new TypeError(
      `Unknown input '${name}'; the model takes ${listNames([...model.keys()])}.`,
    );
  }
  return info;
}

function checkedDims(shape: unknown, name: string): number[] {
  const valid =
    Array.isArray(shape) && shape.every((dim) => Number.isSafeInteger(dim) && (dim as number) >= 0);
  if (!valid) {
    throw new TypeError(`Input '${name}' needs a "shape": a list of non-negative integers.`);
  }
  return shape as number[];
}

/** Rank and fixed sizes as the model declares them; an undeclared shape is the runtime's to check. */
function checkShape(info: TensorInfo, dims: readonly number[]): void {
  if (info.shape.length === 0) return;
  const fits =
    dims.length === info.shape.length &&
    info.shape.every((want, axis) => typeof want !== 'number' || want < 0 || dims[axis] === want);
  if (!fits) {
    throw new RangeError(
      `Input '${info.name}' must have shape ${formatShape(info.shape)}, got ${formatShape(dims)}.`,
    );
  }
}

function requireAll(feeds: Feeds, inputs: readonly TensorInfo[]): void {
  const missing = inputs.find((input) => !Object.hasOwn(feeds, input.name));
  if (missing !== undefined) {
    const names = listNames(inputs.map((input) => input.name));
    throw new TypeError(`Missing input '${missing.name}'; the model takes ${names}.`);
  }
}

function requestedOutputs(outputs: unknown): readonly string[] | undefined {
  if (outputs === undefined) return undefined;
  const names = Array.isArray(outputs)
    ? outputs.map((item: unknown) => (isPlainObject(item) ? item.name : undefined))
    : [];
  if (!Array.isArray(outputs) || !names.every((name) => typeof name === 'string')) {
    throw new TypeError('The request\'s "outputs" must be a list of {"name": "<output name>"}.');
  }
  return names;
}

export function listNames(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}
