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

export function workerDied(): ServeError {
  return new ServeError('InternalServerException', 'Worker died.');
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

export function startFailed(model: string): ServeError {
  return new ServeError('InternalServerException', `Failed to start workers for model ${model}.`);
}

/** Input errors come back as the engine threw them, so the caller can tell a 400 from a 500. */
export function fromFailure(failure: JobFailure): RequestFailure {
  switch (failure.kind) {
    case 'internal':
      return new ServeError('InternalServerException', failure.message);
    case 'handler':
      return new HandlerFailure(failure.status, failure.message);
    case 'input':
      return failure.name === 'TypeError'
        ? new TypeError(failure.message)
        : new RangeError(failure.message);
  }
}
