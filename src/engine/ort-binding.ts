import { createRequire } from 'node:module';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';

/** The runtime's session as `onnxruntime.ts` uses it, whichever way it was made. */
export interface RuntimeSession {
  readonly inputMetadata: readonly InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly InferenceSession.ValueMetadata[];
  run(
    feeds: Record<string, OrtTensor>,
  ): Promise<Record<string, OrtTensor>> | Record<string, OrtTensor>;
  release(): Promise<void>;
}

interface NativeMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type: number;
  readonly symbolicDimensions: readonly string[];
  readonly shape: readonly number[];
}

interface NativeSession {
  loadModel(path: string, options: InferenceSession.SessionOptions): void;
  readonly inputMetadata: readonly NativeMetadata[];
  readonly outputMetadata: readonly NativeMetadata[];
  run(
    feeds: Record<string, OrtTensor>,
    fetches: Record<string, null>,
    options: Record<string, never>,
  ): Record<string, OrtTensor>;
  dispose(): void;
}

interface NativeModule {
  readonly binding: { readonly InferenceSession: new () => NativeSession };
  initOrt(): void;
}

/** The runtime's element types by the number its native metadata uses (ONNX's numbering). */
const typeNames: readonly (string | undefined)[] = [
  undefined,
  'float32',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'float64',
  'uint32',
  'uint64',
];

/**
 * onnxruntime-node's own session defers every `run` with `setImmediate`, which costs a turn of
 * the event loop per batch; in a worker thread, made to block, that turn buys nothing. Its native
 * binding runs synchronously. `undefined` when the installed package is not laid out as this
 * expects; the caller then uses the public API.
 */
export function loadDirectSession(
  modelPath: string,
  options: InferenceSession.SessionOptions,
): RuntimeSession | undefined {
  const native = nativeModule();
  if (native === undefined) return undefined;
  native.initOrt();
  const session = new native.binding.InferenceSession();
  session.loadModel(modelPath, options);
  const outputNames = session.outputMetadata.map((value) => value.name);
  const fetches = Object.fromEntries(outputNames.map((name) => [name, null]));
  let released = false;
  return {
    inputMetadata: session.inputMetadata.map(toValueMetadata),
    outputMetadata: session.outputMetadata.map(toValueMetadata),
    run: (feeds) => session.run(feeds, fetches, {}),
    release() {
      if (!released) session.dispose();
      released = true;
      return Promise.resolve();
    },
  };
}

let cached: NativeModule | null | undefined;

function nativeModule(): NativeModule | undefined {
  if (cached === undefined) {
    try {
      const loaded = createRequire(import.meta.url)('onnxruntime-node/dist/binding') as unknown;
      cached = isNativeModule(loaded) ? loaded : null;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

function isNativeModule(value: unknown): value is NativeModule {
  const candidate = value as Partial<NativeModule> | null;
  return (
    typeof candidate?.initOrt === 'function' &&
    typeof candidate.binding?.InferenceSession === 'function'
  );
}

/** As the package's backend converts it: symbolic names where a dimension is dynamic. */
function toValueMetadata(value: NativeMetadata): InferenceSession.ValueMetadata {
  const type = typeNames[value.type];
  if (!value.isTensor || type === undefined) {
    return { name: value.name, isTensor: false };
  }
  const shape = value.shape.map((dim, index) =>
    dim === -1 ? (value.symbolicDimensions[index] ?? '') : dim,
  );
  return { name: value.name, isTensor: true, type, shape } as InferenceSession.ValueMetadata;
}
