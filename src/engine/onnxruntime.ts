import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { Engine, ModelSession, SessionOptions, Tensor, TensorInfo } from './engine.js';
import { loadDirectSession, type RuntimeSession } from './ort-binding.js';
import { isTensorType } from './tensor-data.js';
import { validateFeeds } from './validate-feeds.js';

/**
 * The engine backed by ONNX Runtime on the CPU. The only module, with its binding helper, that
 * imports the runtime.
 */
export function createOnnxRuntimeEngine(): Engine {
  return { load: loadSession };
}

async function loadSession(modelPath: string, options: SessionOptions = {}): Promise<ModelSession> {
  const session = await createSession(modelPath, options);
  try {
    return wrapSession(session, modelPath);
  } catch (error: unknown) {
    await session.release();
    throw error;
  }
}

async function createSession(modelPath: string, options: SessionOptions): Promise<RuntimeSession> {
  const ortOptions = toOrtOptions(options);
  try {
    return (
      loadDirectSession(modelPath, ortOptions) ??
      (await InferenceSession.create(modelPath, ortOptions))
    );
  } catch (error: unknown) {
    throw new Error(`Cannot load '${modelPath}' as an ONNX model: ${runtimeReason(error)}`);
  }
}

function toOrtOptions(options: SessionOptions): InferenceSession.SessionOptions {
  const ortOptions: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    // Failures come back to us as errors we log ourselves; the runtime would print them again.
    logSeverityLevel: 4,
  };
  if (options.intraOpThreads !== undefined) ortOptions.intraOpNumThreads = options.intraOpThreads;
  if (options.interOpThreads !== undefined) ortOptions.interOpNumThreads = options.interOpThreads;
  return ortOptions;
}

function wrapSession(session: RuntimeSession, modelPath: string): ModelSession {
  const inputs = session.inputMetadata.map((value) => toTensorInfo(value, modelPath));
  const outputs = session.outputMetadata.map((value) => toTensorInfo(value, modelPath));
  let disposed = false;
  return {
    inputs,
    outputs,
    async run(feeds) {
      if (disposed) throw new Error(`The session for '${modelPath}' is disposed.`);
      validateFeeds(inputs, feeds);
      return runChecked(session, feeds);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}

function toTensorInfo(value: InferenceSession.ValueMetadata, modelPath: string): TensorInfo {
  if (!value.isTensor || !isTensorType(value.type)) {
    const kind = value.isTensor ? `tensor type ${value.type}` : 'a non-tensor type';
    throw new Error(
      `Model '${modelPath}' uses ${kind} for '${value.name}', which is not supported.`,
    );
  }
  return { name: value.name, type: value.type, shape: value.shape.map(normalizeDim) };
}

/** Dynamic dimensions without a name come back as a negative number or an empty name. */
function normalizeDim(dim: number | string): number | string {
  if (typeof dim === 'string') return dim === '' ? -1 : dim;
  return dim < 0 ? -1 : dim;
}

async function runChecked(
  session: RuntimeSession,
  feeds: Readonly<Record<string, Tensor>>,
): Promise<Record<string, Tensor>> {
  const ortFeeds: Record<string, OrtTensor> = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    ortFeeds[name] = new OrtTensor(tensor.type, tensor.data, tensor.dims);
  }
  let results: Record<string, OrtTensor>;
  try {
    results = await session.run(ortFeeds);
  } catch (error: unknown) {
    // Feeds are already checked against the declared inputs, so what fails now depends on their
    // values or on how dynamic sizes combine (a broadcast, an index), which is the caller's input.
    throw new RangeError(`The model rejected its inputs: ${runtimeReason(error)}`);
  }
  const outputs: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(results)) {
    outputs[name] = fromOrtTensor(name, value);
  }
  return outputs;
}

function fromOrtTensor(name: string, value: OrtTensor): Tensor {
  const type = value.type;
  if (!isTensorType(type)) {
    throw new Error(`Output '${name}' has tensor type ${type}, which is not supported.`);
  }
  const dims = [...value.dims];
  const data = value.data as unknown;
  if (type === 'float16' && ArrayBuffer.isView(data) && !(data instanceof Uint16Array)) {
    // A runtime with Float16Array hands those back; we keep the raw bits over the same memory.
    return { type, dims, data: new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) };
  }
  return { type, dims, data } as Tensor;
}

/**
 * The runtime's message without its source paths and status prefixes: enough for a person to
 * see what failed, nothing about where inside the runtime.
 */
function runtimeReason(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const firstLine = raw.split('\n')[0] ?? '';
  const withoutPaths = firstLine
    .replace(/\S*onnxruntime\S*\.(?:cc|h|cpp):\d+\S*\s*/g, '')
    .replace(/^Load model from .* failed:\s*(?:Load model .* failed\.\s*)?/, '');
  return withoutPaths.replace(/\s+/g, ' ').trim() || 'unknown runtime error';
}
