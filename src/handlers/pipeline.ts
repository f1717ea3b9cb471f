import type { TensorInfo } from '../engine/index.js';
import { HandlerError } from './errors.js';
import {
  isEntryPoint,
  type EntryPointHandler,
  type Feeds,
  type Handler,
  type HandlerContext,
  type HandlerRequest,
  type HandlerResponse,
  type RunModel,
  type StagedHandler,
} from './handler.js';
import { splitOutputs, stackKey, stackMatching, takesBatches } from './stack.js';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** How one request of a batch ended: its response, or what was thrown for it. */
export type Outcome = Settled<HandlerResponse>;

/**
 * Answers a batch of requests: each is preprocessed, requests whose feeds fit together share one
 * run, and each gets its own slice of the outputs to postprocess. A request that fails at any
 * step fails alone.
 */
export async function handleBatch(
  handler: Handler,
  context: HandlerContext,
  requests: readonly HandlerRequest[],
  run: RunModel,
): Promise<Outcome[]> {
  if (isEntryPoint(handler)) return handleWhole(handler, context, requests, run);
  const feeds = await whenAll(
    requests.map((request) =>
      request.explain === true ? null : attempt(() => handler.preprocess(request, context)),
    ),
  );
  const outputs = await runAll(feeds, context.inputs, run);
  return whenAll(
    requests.map((request, index) =>
      finish(handler, request, context, run, outputs[index] ?? null),
    ),
  );
}

/**
 * `work`'s result or what it threw, without waiting when `work` returns a plain value: the
 * built-in handlers do, and a batch of them then costs no promise per request.
 */
function attempt<T>(work: () => Promise<T> | T): Settled<T> | Promise<Settled<T>> {
  try {
    const value = work();
    if (!isThenable(value)) return ok(value);
    return Promise.resolve(value).then(ok, (error: unknown) => failed(error));
  } catch (error: unknown) {
    return failed(error);
  }
}

/** The values, once every promise among them has settled; at once if there is none. */
function whenAll<T>(values: readonly (T | Promise<T>)[]): T[] | Promise<T[]> {
  if (values.some(isThenable)) return Promise.all(values);
  return values as T[];
}

/** A promise of any library, as `await` sees one: anything with a `then` method. */
function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

async function handleWhole(
  handler: EntryPointHandler,
  context: HandlerContext,
  requests: readonly HandlerRequest[],
  run: RunModel,
): Promise<Outcome[]> {
  const whole = await attempt(() => handler.handle([...requests], context, run));
  if (!whole.ok) return requests.map(() => whole);
  if (whole.value.length !== requests.length) {
    const error = new HandlerError('number of batch response mismatched', 503);
    return requests.map(() => ({ ok: false, error }));
  }
  return whole.value.map((item) =>
    item instanceof Error ? { ok: false, error: item } : { ok: true, value: item },
  );
}

/** `null` marks a request that skips the shared run (an explanation). */
async function runAll(
  feeds: readonly (Settled<Feeds> | null)[],
  inputs: readonly TensorInfo[],
  run: RunModel,
): Promise<(Settled<Feeds> | null)[]> {
  const results = [...feeds];
  for (const group of groupRuns(feeds, inputs)) {
    const groupFeeds = group.map((index) => (feeds[index] as { value: Feeds }).value);
    const outputs = await runGroup(groupFeeds, run);
    group.forEach((index, position) => (results[index] = outputs[position] ?? null));
  }
  return results;
}

/** Indices of the preprocessed requests, grouped by which can share a run. */
function groupRuns(
  feeds: readonly (Settled<Feeds> | null)[],
  inputs: readonly TensorInfo[],
): number[][] {
  // A lone request has nothing to share a run with: no stacking key to compute.
  const batches = feeds.length > 1 && takesBatches(inputs);
  const groups = new Map<string, number[]>();
  const alone: number[][] = [];
  feeds.forEach((step, index) => {
    if (step === null || !step.ok) return;
    const key = batches ? stackKey(step.value) : null;
    const group = key === null ? undefined : groups.get(key);
    if (key === null) alone.push([index]);
    else if (group === undefined) groups.set(key, [index]);
    else group.push(index);
  });
  return [...groups.values(), ...alone];
}

async function runGroup(feeds: readonly Feeds[], run: RunModel): Promise<Settled<Feeds>[]> {
  // Grouped by stackKey already: no need to compare keys again.
  const stacked = feeds.length > 1 ? stackMatching(feeds) : null;
  if (stacked !== null) {
    const whole = await attempt(() => run(stacked.feeds));
    if (whole.ok) return splitOutputs(whole.value, stacked.sizes).map((value) => ok(value));
  }
  // One request's values can fail a shared run; alone, each gets its own answer.
  const alone: Settled<Feeds>[] = [];
  for (const each of feeds) alone.push(await attempt(() => run(each)));
  return alone;
}

function finish(
  handler: StagedHandler,
  request: HandlerRequest,
  context: HandlerContext,
  run: RunModel,
  outputs: Settled<Feeds> | null,
): Outcome | Promise<Outcome> {
  if (outputs === null) return attempt(() => explain(handler, request, context, run));
  if (!outputs.ok) return outputs;
  return attempt(() => handler.postprocess(outputs.value, request, context));
}

async function explain(
  handler: StagedHandler,
  request: HandlerRequest,
  context: HandlerContext,
  run: RunModel,
): Promise<HandlerResponse> {
  if (handler.explain === undefined) {
    throw new TypeError(
      `Model '${context.modelName}' has no explanations: its handler cannot explain.`,
    );
  }
  return handler.explain(request, context, run);
}

function ok<T>(value: T): Settled<T> {
  return { ok: true, value };
}

function failed(error: unknown): { ok: false; error: unknown } {
  return { ok: false, error };
}
