import { ServeError } from '../errors/index.js';
import type { JobFailure } from './protocol.js';

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
export function fromFailure(failure: JobFailure): Error {
  if (failure.kind === 'internal')
    return new ServeError('InternalServerException', failure.message);
  return failure.name === 'TypeError'
    ? new TypeError(failure.message)
    : new RangeError(failure.message);
}
