import { ServeError } from '../errors/index.js';
import type { JobFailure } from './protocol.js';

/** Why one request of a batch got no response: a 400 (`TypeError`, `RangeError`) or ServeError. */
export type RequestFailure = TypeError | RangeError | ServeError;

/**
 * A handler's own failure, relayed as TorchServe relays a backend's: type InternalServerException
 * with the status the handler chose.
 */
export class HandlerFailure extends ServeError {
  override readonly status: number;

  constructor(status: number, message: string) {
    super('InternalServerException', message);
    this.status = status;
  }
}

/** A worker that ran out of memory answers 507, as TorchServe does for a worker killed by OOM. */
export function workerDied(outOfMemory = false): ServeError {
  return new ServeError(
    outOfMemory ? 'InsufficientStorageException' : 'InternalServerException',
    'Worker died.',
  );
}

/** Why a worker did not load; `outOfMemory` makes the register or scale call answer 507. */
export class WorkerStartError extends Error {
  constructor(
    message: string,
    readonly outOfMemory: boolean,
  ) {
    super(message);
  }
}

/** The messages of allocation failures: V8's heap limit, the runtime's allocators. */
const outOfMemoryMessage = /out of memory|bad_alloc|failed to allocate/i;

/** A thread's error, or the message a failed load sent, that says memory ran out. */
export function isOutOfMemory(failure: Error | string): boolean {
  if (typeof failure === 'string') return outOfMemoryMessage.test(failure);
  const { code } = failure as NodeJS.ErrnoException;
  return code === 'ERR_WORKER_OUT_OF_MEMORY' || outOfMemoryMessage.test(failure.message);
}

export function workerScaledDown(): ServeError {
  return new ServeError('ServiceUnavailableException', 'Worker scaled down.');
}

export function noWorkers(model: string): ServeError {
  return new ServeError(
    'ServiceUnavailableException',
    `No worker is available for model ${model}.`,
  );
}

export function startFailed(model: string, outOfMemory = false): ServeError {
  return new ServeError(
    outOfMemory ? 'InsufficientStorageException' : 'InternalServerException',
    `Failed to start workers for model ${model}.`,
  );
}

/** Input errors come back as the engine threw them, so the caller can tell a 400 from a 500. */
export function fromFailure(failure: JobFailure): RequestFailure {
  switch (failure.kind) {
    case 'internal':
      return new ServeError('InternalServerException', failure.message);
    case 'handler':
      // As TorchServe's frontend: a backend's 413 means it ran out of resources.
      return new HandlerFailure(failure.status === 413 ? 507 : failure.status, failure.message);
    case 'input':
      return failure.name === 'TypeError'
        ? new TypeError(failure.message)
        : new RangeError(failure.message);
  }
}
