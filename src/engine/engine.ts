/**
 * What a worker needs from an inference engine. Nothing here depends on a runtime; the ONNX
 * Runtime implementation lives in `onnxruntime.ts`.
 */

/** Element types, named as ONNX Runtime's JavaScript API names them. */
export type TensorType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string';

/** The array that holds each element type; `float16` is raw IEEE half bits, `bool` is 0 or 1. */
export interface TensorDataMap {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
  string: string[];
}

interface TensorOf<T extends TensorType> {
  readonly type: T;
  readonly dims: readonly number[];
  readonly data: TensorDataMap[T];
}

/** A plain object, so it survives structured cloning across `postMessage`. */
export type Tensor = { [T in TensorType]: TensorOf<T> }[TensorType];

/**
 * An input or output as the model declares it. A dimension is a number when fixed, the dimension's
 * symbolic name (for example `'batch'`) when the model names it, or `-1` when it is dynamic and
 * unnamed. An empty shape is a scalar, or a tensor whose shape the model does not declare.
 */
export interface TensorInfo {
  readonly name: string;
  readonly type: TensorType;
  readonly shape: readonly (number | string)[];
}

export interface ModelSession {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /**
   * Runs the model once. Rejects with a `TypeError` (wrong or missing input, wrong type) or a
   * `RangeError` (wrong shape, or values the model cannot compute with) that names the input.
   */
  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>;
  dispose(): Promise<void>;
}

export interface SessionOptions {
  /** Threads one operator may use; the runtime picks when absent. */
  readonly intraOpThreads?: number;
  /** Threads for running independent operators in parallel; the runtime picks when absent. */
  readonly interOpThreads?: number;
}

export interface Engine {
  /** Rejects with an `Error` that names the file when it is not a loadable model. */
  load(modelPath: string, options?: SessionOptions): Promise<ModelSession>;
}
