import {
  describeHandler,
  handleBatch,
  HandlerError,
  type Outcome,
  type RunModel,
} from '../handlers/index.js';
import type {
  BatchMessage,
  BatchResult,
  DescribeMessage,
  FromWorker,
  JobFailure,
  JobPort,
  RunMessage,
} from './protocol.js';
import { copied, forTransfer } from './transfer.js';
import { copiedResults, resultsForTransfer } from './transfer-requests.js';
import type { LoadedModel } from './worker-load.js';

/** Bytes of JavaScript memory this thread holds; native runtime memory belongs to the process. */
const MEMORY_SAMPLE_MS = 1000;
let memorySample = { at: -Infinity, bytes: 0 };

/** Sampled at most once a second: reading it costs a system call, too much for every batch. */
export function memoryUsage(): number {
  const now = performance.now();
  if (now - memorySample.at >= MEMORY_SAMPLE_MS) {
    const usage = process.memoryUsage();
    memorySample = { at: now, bytes: usage.heapUsed + usage.external };
  }
  return memorySample.bytes;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function toFailure(error: unknown): JobFailure {
  const message = messageOf(error);
  if (error instanceof HandlerError) return { kind: 'handler', status: error.status, message };
  if (error instanceof TypeError || error instanceof RangeError) {
    return {
      kind: 'input',
      name: error instanceof TypeError ? 'TypeError' : 'RangeError',
      message,
    };
  }
  return { kind: 'internal', message };
}

/** Runs the model once; any failure answers the job with an `error` message. */
export async function runFeeds(port: JobPort, model: LoadedModel | null, job: RunMessage) {
  try {
    if (model === null) throw new Error('The model is not loaded.');
    const outputs = await model.session.run(job.feeds);
    const { tensors, transferList } =
      port.sharesHeap === true ? { tensors: outputs, transferList: [] } : forTransfer(outputs);
    const message: FromWorker = {
      kind: 'result',
      jobId: job.jobId,
      outputs: tensors,
      memoryUsage: memoryUsage(),
    };
    postMoving(port, message, transferList, () => ({ ...message, outputs: copied(tensors) }));
  } catch (error: unknown) {
    postError(port, job.jobId, error);
  }
}

/** Answers a batch through the handler; requests fail one by one, the job only without one. */
export async function runBatch(port: JobPort, model: LoadedModel | null, job: BatchMessage) {
  try {
    if (model === null) throw new Error('The model is not loaded.');
    if (model.handler === null) throw new Error('The model has no handler to answer requests.');
    const { session } = model;
    const { handler, context } = model.handler;
    const prediction = timed((feeds) => session.run(feeds));
    const started = performance.now();
    const outcomes = await handleBatch(handler, context, job.requests, prediction.run);
    const handlerMs = performance.now() - started;
    const results = outcomes.map(toResult);
    const { value, transferList } =
      port.sharesHeap === true ? { value: results, transferList: [] } : resultsForTransfer(results);
    const message: FromWorker = {
      kind: 'batch-result',
      jobId: job.jobId,
      results: value,
      memoryUsage: memoryUsage(),
      handlerMs,
      predictionMs: prediction.elapsedMs(),
    };
    postMoving(port, message, transferList, () => ({ ...message, results: copiedResults(value) }));
  } catch (error: unknown) {
    postError(port, job.jobId, error);
  }
}

/** Asks the handler for its customized describe metadata. */
export async function describeModel(
  port: JobPort,
  model: LoadedModel | null,
  job: DescribeMessage,
) {
  try {
    if (model?.handler == null) throw new Error('The model has no handler to describe it.');
    const metadata = await describeHandler(model.handler.handler, model.handler.context);
    const message: FromWorker = {
      kind: 'described',
      jobId: job.jobId,
      metadata,
      memoryUsage: memoryUsage(),
    };
    port.postMessage(message);
  } catch (error: unknown) {
    postError(port, job.jobId, error);
  }
}

/** `run`, adding up the time its calls take. */
function timed(run: RunModel): { run: RunModel; elapsedMs(): number } {
  let total = 0;
  return {
    run: async (feeds) => {
      const started = performance.now();
      try {
        return await run(feeds);
      } finally {
        total += performance.now() - started;
      }
    },
    elapsedMs: () => total,
  };
}

function toResult(outcome: Outcome): BatchResult {
  return outcome.ok ? outcome.value : toFailure(outcome.error);
}

function postMoving(
  port: JobPort,
  message: FromWorker,
  transferList: ArrayBuffer[],
  copy: () => FromWorker,
): void {
  try {
    port.postMessage(message, transferList);
  } catch (error: unknown) {
    // Some buffers cannot be detached (memory the runtime still owns); a copy always can be sent.
    if (!(error instanceof Error && error.name === 'DataCloneError')) throw error;
    port.postMessage(copy());
  }
}

function postError(port: JobPort, jobId: number, error: unknown): void {
  const message: FromWorker = {
    kind: 'error',
    jobId,
    failure: toFailure(error),
    memoryUsage: memoryUsage(),
  };
  port.postMessage(message);
}
