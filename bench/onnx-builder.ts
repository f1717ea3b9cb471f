/**
 * A minimal ONNX protobuf encoder: just the fields a graph of float tensors and plain nodes needs.
 * Messages stay lists of buffers until the end, so 100 MB of weights is copied once.
 */
type Chunks = Buffer[];

const FLOAT = 1;
const IR_VERSION = 8;
const OPSET = 17;

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function sizeOf(chunks: Chunks): number {
  return chunks.reduce((sum, chunk) => sum + chunk.length, 0);
}

/** A length-delimited field (wire type 2) around strings, bytes or nested messages. */
export function field(number: number, ...parts: (Chunks | Buffer | string)[]): Chunks {
  const body = parts.flatMap((part) => (Array.isArray(part) ? part : [Buffer.from(part)]));
  return [varint(number * 8 + 2), varint(sizeOf(body)), ...body];
}

/** A varint field (wire type 0). */
export function varintField(number: number, value: number): Chunks {
  return [varint(number * 8), varint(value)];
}

/** A dimension is a fixed size or a symbolic name such as `batch`. */
export type Dim = number | string;

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface Initializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface GraphSpec {
  readonly name: string;
  readonly inputs: ReadonlyArray<{ name: string; shape: readonly Dim[] }>;
  readonly outputs: ReadonlyArray<{ name: string; shape: readonly Dim[] }>;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly Initializer[];
}

function dimension(dim: Dim): Chunks {
  return typeof dim === 'number' ? field(1, varintField(1, dim)) : field(1, field(2, dim));
}

/** ValueInfoProto of a float tensor. */
function valueInfo(name: string, shape: readonly Dim[]): Chunks {
  const tensorType = [...varintField(1, FLOAT), ...field(2, ...shape.map(dimension))];
  return [...field(1, name), ...field(2, field(1, tensorType))];
}

function node(spec: NodeSpec, index: number): Chunks {
  const inputs = spec.inputs.flatMap((name) => field(1, name));
  const outputs = spec.outputs.flatMap((name) => field(2, name));
  return field(1, inputs, outputs, field(3, `${spec.op}_${index}`), field(4, spec.op));
}

/** TensorProto with its floats as little-endian `raw_data`, as ONNX stores them. */
function tensor(initializer: Initializer): Chunks {
  const { data } = initializer;
  const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const dims = initializer.dims.flatMap((dim) => varintField(1, dim));
  return [...dims, ...varintField(2, FLOAT), ...field(8, initializer.name), ...field(9, raw)];
}

/** The bytes of an ONNX model (IR 8, default opset 17) for `graph`. */
export function encodeModel(graph: GraphSpec): Buffer {
  const body = [
    ...graph.nodes.flatMap(node),
    ...field(2, graph.name),
    ...graph.initializers.flatMap((each) => field(5, tensor(each))),
    ...graph.inputs.flatMap((each) => field(11, valueInfo(each.name, each.shape))),
    ...graph.outputs.flatMap((each) => field(12, valueInfo(each.name, each.shape))),
  ];
  const opset = field(8, field(1, ''), varintField(2, OPSET));
  const model = [
    ...varintField(1, IR_VERSION),
    ...field(2, 'onnxserve-bench'),
    ...field(7, body),
    ...opset,
  ];
  return Buffer.concat(model);
}
