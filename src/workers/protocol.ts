import type { SessionOptions, Tensor, TensorInfo } from '../engine/index.js';
import type { HandlerRequest, HandlerResponse, HandlerSetup } from '../handlers/index.js';

/** What a worker thread receives as `workerData`: it loads this model as soon as it starts. */
export interface WorkerConfig {
  readonly modelPath: string;
  readonly sessionOptions: SessionOptions;
  /** The handler the worker loads after the session; batch jobs need one. */
  readonly handler?: HandlerSetup;
  /** The thread's JavaScript heap limit in MiB; reaching it ends the thread (a 507). */
  readonly heapLimitMb?: number;
}

/** Main thread to worker: run the model once. Tensor buffers travel in the transfer list. */
export interface RunMessage {
  readonly kind: 'run';
  readonly jobId: number;
  readonly feeds: Record<string, Tensor>;
}

/**
 * Main thread to worker: answer these requests through the model's handler, stacking what fits
 * into one run. The inputs' byte arrays travel in the transfer list.
 */
export interface BatchMessage {
  readonly kind: 'batch';
  readonly jobId: number;
  readonly requests: HandlerRequest[];
}

/** Main thread to worker: the handler's metadata for a customized describe. */
export interface DescribeMessage {
  readonly kind: 'describe';
  readonly jobId: number;
}

/**
 * Main thread to worker: finish the job in hand, release the session and exit. The pool never
 * calls `Worker.terminate()` on a thread that may be inside a run: ending a thread while the
 * runtime's native `run` is executing aborts the whole process when the call returns.
 */
export interface StopMessage {
  readonly kind: 'stop';
}

export type ToWorker = RunMessage | BatchMessage | DescribeMessage | StopMessage;

/** The model loaded; the worker takes jobs from now on. */
export interface ReadyMessage {
  readonly kind: 'ready';
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly memoryUsage: number;
}

/** The model did not load; the worker answers no jobs and waits to be stopped. */
export interface LoadFailedMessage {
  readonly kind: 'load-failed';
  readonly message: string;
}

export interface ResultMessage {
  readonly kind: 'result';
  readonly jobId: number;
  readonly outputs: Record<string, Tensor>;
  readonly memoryUsage: number;
}

/**
 * A job or one request of a batch failed. `input` errors are the caller's fault (wrong, missing or
 * misshapen inputs) and keep the thrown error's name so the caller can answer 400; `handler` errors
 * carry the status a handler chose; anything else is `internal`.
 */
export type JobFailure =
  | { readonly kind: 'input'; readonly name: 'TypeError' | 'RangeError'; readonly message: string }
  | { readonly kind: 'handler'; readonly status: number; readonly message: string }
  | { readonly kind: 'internal'; readonly message: string };

/** One request's answer in a batch: a response, or why it has none. */
export type BatchResult = HandlerResponse | JobFailure;

/** Responses carry no `kind`, so it tells a failure apart. */
export function isJobFailure(result: BatchResult): result is JobFailure {
  return 'kind' in result;
}

/** The batch's answers, one per request in order; response bodies travel in the transfer list. */
export interface BatchResultMessage {
  readonly kind: 'batch-result';
  readonly jobId: number;
  readonly results: BatchResult[];
  readonly memoryUsage: number;
  /** Time in the handler for the whole batch, and the part of it spent in the model's runs. */
  readonly handlerMs: number;
  readonly predictionMs: number;
}

/** The handler's describe result, a JSON object. */
export interface DescribedMessage {
  readonly kind: 'described';
  readonly jobId: number;
  readonly metadata: Record<string, unknown>;
  readonly memoryUsage: number;
}

export interface JobErrorMessage {
  readonly kind: 'error';
  readonly jobId: number;
  readonly failure: JobFailure;
  readonly memoryUsage: number;
}

export type FromWorker =
  | ReadyMessage
  | LoadFailedMessage
  | ResultMessage
  | BatchResultMessage
  | DescribedMessage
  | JobErrorMessage;

/** The worker's side of its channel: a thread's `parentPort`, or the inline worker's stand-in. */
export interface JobPort {
  /** The pool is on this thread: answers need not be prepared for moving. */
  readonly sharesHeap?: boolean;
  postMessage(message: FromWorker, transferList?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: ToWorker) => void): unknown;
}
