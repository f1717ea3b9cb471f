import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HandlerError, messageOf } from './errors.js';
import type {
  EntryPointHandler,
  Feeds,
  Handler,
  HandlerContext,
  HandlerResponse,
  RunModel,
  StagedHandler,
} from './handler.js';
import { isPlainObject } from './inputs.js';
import { toResponse } from './response.js';

type Module = Record<string, unknown>;
type AnyFunction = (...args: unknown[]) => unknown;

/** What a module-level entry point receives as its context: the model's, plus a way to run it. */
export type EntryPointContext = HandlerContext & { readonly run: RunModel };

/**
 * Loads a JavaScript handler shipped in an archive. With an entry point, that exported function
 * takes `(requests, context)` and returns one response per request. Without one, the module (or
 * its default export, object or class) provides `preprocess` and `postprocess`, or a `handle`
 * function (or a default-exported function) acts as the entry point.
 */
export async function loadCustomHandler(
  path: string,
  entryPoint: string | undefined,
): Promise<Handler> {
  const name = basename(path);
  const module = await importModule(path, name);
  if (entryPoint !== undefined) {
    const entry = module[entryPoint];
    if (typeof entry !== 'function') {
      throw new Error(`Handler '${name}' exports no function named '${entryPoint}'.`);
    }
    return entryHandler(entry as AnyFunction, module);
  }
  return moduleHandler(module, name);
}

async function importModule(path: string, name: string): Promise<Module> {
  try {
    return (await import(pathToFileURL(path).href)) as Module;
  } catch (error: unknown) {
    throw new Error(`Cannot load handler '${name}': ${messageOf(error)}`);
  }
}

function moduleHandler(module: Module, name: string): Handler {
  const fallback = module.default;
  const target = [module, fallback].find(hasStages) ?? instantiate(fallback);
  if (hasStages(target)) return stagedHandler(target);
  const handle = isPlainObject(fallback) ? fallback.handle : undefined;
  const entry = module.handle ?? handle ?? fallback;
  if (typeof entry === 'function') return entryHandler(entry as AnyFunction, module);
  throw new Error(
    `Handler '${name}' exports neither preprocess and postprocess nor a handle function.`,
  );
}

/** A default-exported class with a `preprocess` method is TorchServe's class-based handler. */
function instantiate(candidate: unknown): unknown {
  if (typeof candidate !== 'function') return undefined;
  const prototype = (candidate as { prototype?: unknown }).prototype;
  if (!isPlainObject(prototype) || typeof prototype.preprocess !== 'function') return undefined;
  return new (candidate as new () => unknown)();
}

function hasStages(target: unknown): target is Module {
  if (typeof target !== 'object' || target === null) return false;
  const { preprocess, postprocess } = target as Module;
  return typeof preprocess === 'function' && typeof postprocess === 'function';
}

function stagedHandler(target: Module): StagedHandler {
  const call = (method: string, ...args: unknown[]): Promise<unknown> =>
    guarded(() => (target[method] as AnyFunction).apply(target, args));
  const handler: StagedHandler = {
    preprocess: async (request, context) =>
      checkedFeeds(await call('preprocess', request, context)),
    postprocess: async (outputs, request, context) =>
      toResponse(await call('postprocess', outputs, request, context)),
  };
  if (typeof target.initialize === 'function') {
    handler.initialize = async (context) => void (await call('initialize', context));
  }
  if (typeof target.explain === 'function') {
    handler.explain = async (request, context, run) =>
      toResponse(await call('explain', request, context, run));
  }
  if (typeof target.describe === 'function') {
    handler.describe = (context) => call('describe', context);
  }
  return handler;
}

function entryHandler(entry: AnyFunction, module: Module): EntryPointHandler {
  const { initialize, describe } = module;
  const handler: EntryPointHandler = {
    async handle(requests, context, run) {
      const entryContext: EntryPointContext = Object.freeze({ ...context, run });
      const results = await guarded(() => entry(requests, entryContext));
      return batchResponses(results, requests.length);
    },
  };
  if (typeof initialize === 'function') {
    const init = initialize as AnyFunction;
    handler.initialize = async (context) => void (await guarded(() => init(context)));
  }
  if (typeof describe === 'function') {
    const describeModel = describe as AnyFunction;
    handler.describe = (context) => guarded(() => describeModel(context));
  }
  return handler;
}

/** TorchServe's worker answers 503 with these messages when an entry point's list is wrong. */
function batchResponses(results: unknown, count: number): (HandlerResponse | Error)[] {
  if (!Array.isArray(results)) throw new HandlerError('Invalid model predict output', 503);
  if (results.length !== count) throw new HandlerError('number of batch response mismatched', 503);
  return results.map((item: unknown) => {
    if (item instanceof Error) return asHandlerError(item);
    try {
      return toResponse(item);
    } catch (error: unknown) {
      return asHandlerError(error);
    }
  });
}

function checkedFeeds(value: unknown): Feeds {
  if (!isPlainObject(value)) {
    throw new Error("The handler's preprocess must return feeds: tensors by input name.");
  }
  return value as Feeds;
}

async function guarded(work: () => unknown): Promise<unknown> {
  try {
    return await work();
  } catch (error: unknown) {
    throw asHandlerError(error);
  }
}

/** A custom handler's error answers 500 with its message, or the status it set on the error. */
function asHandlerError(error: unknown): HandlerError {
  const status = (error as { status?: unknown } | null)?.status;
  const valid = typeof status === 'number' && Number.isInteger(status);
  return new HandlerError(messageOf(error), valid && status >= 400 && status <= 599 ? status : 500);
}
