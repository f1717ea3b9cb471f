import type { Tensor } from '../engine/index.js';
import type { HandlerRequest, HandlerResponse } from '../handlers/index.js';
import { fromFailure, type RequestFailure } from './errors.js';
import {
  isJobFailure,
  type BatchResult,
  type BatchResultMessage,
  type DescribedMessage,
  type JobErrorMessage,
  type ResultMessage,
  type ToWorker,
} from './protocol.js';
import { copied, forTransfer } from './transfer.js';
import { copiedRequests, requestsForTransfer } from './transfer-requests.js';

/** The message that starts a job, the buffers it moves, and a copy to send if moving fails. */
export interface Outgoing {
  readonly message: ToWorker;
  readonly transferList: ArrayBuffer[];
  copied(): ToWorker;
}

export type JobReply = ResultMessage | BatchResultMessage | DescribedMessage | JobErrorMessage;

/** Work for one worker thread, and how the thread's reply settles the caller's promise. */
export interface Job {
  /** The ids of the client requests this job answers, for log lines about it. */
  requestIds?(): string[];
  outgoing(jobId: number): Outgoing;
  /** The message as it is, for a worker on this thread: nothing to copy or move. */
  message(jobId: number): ToWorker;
  settle(reply: JobReply): void;
  reject(error: Error): void;
}

type Resolve<T> = (value: T) => void;
type Reject = (error: Error) => void;

/** One run of the model on complete feeds. */
export function runJob(
  feeds: Readonly<Record<string, Tensor>>,
  resolve: Resolve<Record<string, Tensor>>,
  reject: Reject,
): Job {
  return {
    message: (jobId) => ({ kind: 'run', jobId, feeds: { ...feeds } }),
    outgoing(jobId) {
      const { tensors, transferList } = forTransfer(feeds);
      const message: ToWorker = { kind: 'run', jobId, feeds: tensors };
      return { message, transferList, copied: () => ({ ...message, feeds: copied(tensors) }) };
    },
    settle(reply) {
      if (reply.kind === 'result') resolve(reply.outputs);
      else if (reply.kind === 'error') reject(fromFailure(reply.failure));
      else reject(unexpected(reply.kind));
    },
    reject,
  };
}

/** Raw requests for the worker's handler; each settles with its response or its own failure. */
export function batchJob(
  requests: readonly HandlerRequest[],
  keepHeaders: boolean,
  resolve: Resolve<(HandlerResponse | RequestFailure)[]>,
  reject: Reject,
): Job {
  return {
    requestIds: () => requests.map((request) => request.requestId),
    message: (jobId) => ({ kind: 'batch', jobId, requests: [...requests] }),
    outgoing(jobId) {
      const { value, transferList } = requestsForTransfer(requests, keepHeaders);
      const message: ToWorker = { kind: 'batch', jobId, requests: value };
      return {
        message,
        transferList,
        copied: () => ({ ...message, requests: copiedRequests(value) }),
      };
    },
    settle(reply) {
      if (reply.kind === 'batch-result') resolve(reply.results.map(fromResult));
      else if (reply.kind === 'error') reject(fromFailure(reply.failure));
      else reject(unexpected(reply.kind));
    },
    reject,
  };
}

/** The handler's metadata for a customized describe. */
export function describeJob(resolve: Resolve<Record<string, unknown>>, reject: Reject): Job {
  return {
    message: (jobId) => ({ kind: 'describe', jobId }),
    outgoing(jobId) {
      const message: ToWorker = { kind: 'describe', jobId };
      return { message, transferList: [], copied: () => message };
    },
    settle(reply) {
      if (reply.kind === 'described') resolve(reply.metadata);
      else if (reply.kind === 'error') reject(fromFailure(reply.failure));
      else reject(unexpected(reply.kind));
    },
    reject,
  };
}

function fromResult(result: BatchResult): HandlerResponse | RequestFailure {
  return isJobFailure(result) ? fromFailure(result) : result;
}

function unexpected(kind: string): Error {
  return new Error(`The worker answered with a '${kind}' message for this job.`);
}
