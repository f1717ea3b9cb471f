import type { TensorInfo } from '../../engine/index.js';
import type { HandlerContext, HandlerRequest } from '../handler.js';

/** Models and requests shared by the tensor handler's tests; not used by the server. */
export const add: TensorInfo[] = [
  { name: 'a', type: 'float32', shape: ['batch', 3] },
  { name: 'b', type: 'float32', shape: ['batch', 3] },
];

/** One input of every kind the float32 `add` does not cover. */
export const wide: TensorInfo[] = [
  { name: 'i', type: 'int64', shape: [-1] },
  { name: 'u', type: 'uint64', shape: [-1] },
  { name: 'flag', type: 'bool', shape: [-1] },
  { name: 'text', type: 'string', shape: [-1] },
  { name: 'half', type: 'float16', shape: [-1] },
  { name: 'small', type: 'int8', shape: [-1] },
];

/** An item of a request's `inputs`. */
export const row = (name: string, datatype: string, shape: number[], data: unknown) => ({
  name,
  datatype,
  shape,
  data,
});

export const addContext: HandlerContext = {
  modelName: 'add',
  modelVersion: '2.0',
  modelDir: '.',
  inputs: add,
  outputs: [
    { name: 'sum', type: 'float32', shape: ['batch', 3] },
    { name: 'count', type: 'int64', shape: [] },
  ],
  config: {},
  batchSize: 1,
};

/** Outputs `addContext`'s model could give. */
export const addOutputs = {
  sum: { type: 'float32', dims: [1, 3], data: Float32Array.from([1, 2, 3]) },
  count: { type: 'int64', dims: [], data: BigInt64Array.from([2n ** 62n]) },
} as const;

/** A request whose payload input `name` holds `body`, with `headers`. */
export function textRequest(
  body: string | Uint8Array,
  name = 'body',
  headers: Record<string, string> = {},
): HandlerRequest {
  const data = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return { requestId: 'server-id', inputs: [{ name, data }], headers };
}
