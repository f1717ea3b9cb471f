export type {
  Engine,
  ModelSession,
  SessionOptions,
  Tensor,
  TensorDataMap,
  TensorInfo,
  TensorType,
} from './engine.js';
export { createOnnxRuntimeEngine } from './onnxruntime.js';
export { probeModel, type ModelSignature } from './probe.js';
export { elementCount, isTensorType, tensorTypes } from './tensor-data.js';
