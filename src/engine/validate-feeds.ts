import type { Tensor, TensorInfo } from './engine.js';
import { describeData, elementCount, expectedData, holdsType } from './tensor-data.js';

type SeenSizes = Map<string, { size: number; input: string }>;

/**
 * Checks feeds against the declared inputs before the runtime sees them, so a bad request gets a
 * message naming the input instead of the runtime's internals. Throws `TypeError` for a missing,
 * unknown or wrongly typed input and `RangeError` for a wrong shape.
 */
export function validateFeeds(
  inputs: readonly TensorInfo[],
  feeds: Readonly<Record<string, Tensor>>,
): void {
  const declared = new Set(inputs.map((input) => input.name));
  for (const name of Object.keys(feeds)) {
    if (!declared.has(name)) {
      throw new TypeError(`Unknown input '${name}'; the model takes ${listNames(inputs)}.`);
    }
  }
  const symbols: SeenSizes = new Map();
  for (const input of inputs) {
    const tensor = feeds[input.name];
    if (tensor === undefined) {
      throw new TypeError(`Missing input '${input.name}'; the model takes ${listNames(inputs)}.`);
    }
    checkTensor(input, tensor);
    checkShape(input, tensor.dims, symbols);
  }
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

function listNames(inputs: readonly TensorInfo[]): string {
  return inputs.map((input) => `'${input.name}'`).join(', ');
}

function checkTensor(input: TensorInfo, tensor: Tensor): void {
  const name = `Input '${input.name}'`;
  if (tensor.type !== input.type) {
    throw new TypeError(`${name} must be ${input.type}, got ${String(tensor.type)}.`);
  }
  if (!holdsType(tensor.type, tensor.data)) {
    const wanted = expectedData(input.type);
    const got = describeData(tensor.data);
    throw new TypeError(`${name} (${input.type}) needs ${wanted} as data, got ${got}.`);
  }
  const dims: unknown = tensor.dims;
  if (!Array.isArray(dims) || !dims.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new TypeError(`${name} needs dims as an array of non-negative integers.`);
  }
  const count = elementCount(tensor.dims);
  if (tensor.data.length !== count) {
    const shape = formatShape(tensor.dims);
    throw new RangeError(
      `${name} has ${tensor.data.length} elements but dims ${shape} need ${count}.`,
    );
  }
}

/** An empty declared shape means the model does not say, so only the runtime can check it. */
function checkShape(input: TensorInfo, dims: readonly number[], symbols: SeenSizes): void {
  if (input.shape.length === 0) return;
  const wrongShape = (): RangeError =>
    new RangeError(
      `Input '${input.name}' must have shape ${formatShape(input.shape)}, got ${formatShape(dims)}.`,
    );
  if (dims.length !== input.shape.length) throw wrongShape();
  input.shape.forEach((expected, axis) => {
    const size = dims[axis] ?? -1;
    if (typeof expected === 'number') {
      if (expected >= 0 && size !== expected) throw wrongShape();
      return;
    }
    const seen = symbols.get(expected);
    if (seen !== undefined && seen.size !== size) {
      const other = `input '${seen.input}' has ${expected}=${seen.size}`;
      throw new RangeError(`Input '${input.name}' has ${expected}=${size} but ${other}.`);
    }
    symbols.set(expected, { size, input: input.name });
  });
}
