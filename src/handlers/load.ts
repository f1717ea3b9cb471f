import { basename } from 'node:path';
import type { ArchiveHandler, ModelConfig } from '../archive/index.js';
import type { TensorInfo } from '../engine/index.js';
import { loadCustomHandler } from './custom.js';
import { messageOf } from './errors.js';
import type { Handler, HandlerContext, HandlerSetup, StagedHandler } from './handler.js';
import { isPlainObject } from './inputs.js';

/** Built-in handlers, imported when first used so a worker loads only what its model needs. */
const builtins: Readonly<Record<string, () => Promise<StagedHandler>>> = {
  tensor: async () => (await import('./builtin/tensor.js')).createTensorHandler(),
  image_classifier: async () =>
    (await import('./builtin/image-classifier.js')).createImageClassifier(),
  tabular: async () => (await import('./builtin/tabular.js')).createTabularHandler(),
};

export const builtinHandlerNames: readonly string[] = Object.keys(builtins);

/**
 * A fresh handler for one model: the built-in one named, the archive's JavaScript module, or the
 * built-in `defaultName` when the archive names none. Rejects with an `Error` naming the handler
 * when it does not exist or its module does not load.
 */
export async function loadHandler(
  spec: ArchiveHandler | undefined,
  defaultName: string,
): Promise<Handler> {
  const chosen = spec ?? { kind: 'builtin', name: defaultName };
  if (chosen.kind === 'file') return loadCustomHandler(chosen.path, chosen.entryPoint);
  const create = Object.hasOwn(builtins, chosen.name) ? builtins[chosen.name] : undefined;
  if (create === undefined) {
    const known = builtinHandlerNames.map((name) => `'${name}'`).join(', ');
    throw new Error(
      `Unknown built-in handler '${chosen.name}'; the built-in handlers are ${known}.`,
    );
  }
  return create();
}

export interface StartedHandler {
  readonly handler: Handler;
  readonly context: HandlerContext;
}

/** Loads and initializes a model's handler once its session is up; a failure fails the load. */
export async function startHandler(
  setup: HandlerSetup,
  signature: { readonly inputs: readonly TensorInfo[]; readonly outputs: readonly TensorInfo[] },
): Promise<StartedHandler> {
  const handler = await loadHandler(setup.spec, setup.defaultName);
  const context: HandlerContext = Object.freeze({
    modelName: setup.modelName,
    modelVersion: setup.modelVersion,
    modelDir: setup.modelDir,
    inputs: signature.inputs,
    outputs: signature.outputs,
    config: setup.config,
    batchSize: setup.batchSize,
  });
  try {
    await handler.initialize?.(context);
  } catch (error: unknown) {
    throw new Error(`Handler ${describeSpec(setup)} failed to initialize: ${messageOf(error)}`);
  }
  return { handler, context };
}

/** The model config's `handler:` section, which handlers read their settings from. */
export function handlerSection(config: ModelConfig): Readonly<Record<string, unknown>> {
  const section = config.handlerConfig.handler;
  return isPlainObject(section) ? section : {};
}

function describeSpec(setup: HandlerSetup): string {
  const spec = setup.spec;
  if (spec === undefined) return `'${setup.defaultName}'`;
  return spec.kind === 'builtin' ? `'${spec.name}'` : `'${basename(spec.path)}'`;
}
