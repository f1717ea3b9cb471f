export { HandlerFailure, type RequestFailure } from './errors.js';
export { WorkerPool, type WorkerDescription, type WorkerPoolOptions } from './pool.js';
export type { WorkerStatus } from './pool-worker.js';
export type { WorkerConfig } from './protocol.js';
export { startInlineThread } from './inline-thread.js';
export { startWorkerThread, type SpawnThread } from './spawn.js';
