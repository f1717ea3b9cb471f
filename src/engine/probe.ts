import type { TensorInfo } from './engine.js';
import { createOnnxRuntimeEngine } from './onnxruntime.js';

export interface ModelSignature {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

/**
 * Loads a model only to read its inputs and outputs, then releases it. Rejects with an `Error`
 * naming the file when it is not a loadable ONNX model.
 */
export async function probeModel(path: string): Promise<ModelSignature> {
  const session = await createOnnxRuntimeEngine().load(path, { intraOpThreads: 1 });
  const signature = { inputs: session.inputs, outputs: session.outputs };
  await session.dispose();
  return signature;
}
