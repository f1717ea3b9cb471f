import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';

/** What a pool needs of a worker: a `node:worker_threads` Worker, or the inline stand-in. */
export interface WorkerThread {
  /** Runs on this thread: messages are handed over as they are, not copied or moved. */
  readonly sharesHeap?: boolean;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  postMessage(message: ToWorker, transferList?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: FromWorker) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  unref(): void;
}

/** Starts one worker; the pool takes this as an option so tests can reach the thread. */
export type SpawnThread = (config: WorkerConfig) => WorkerThread;

const compiledEntry = new URL('./worker-entry.js', import.meta.url);
const sourceEntry = new URL('./worker-entry.ts', import.meta.url);

/**
 * Compiled output has `worker-entry.js` beside this file. A run from source through tsx has only
 * the `.ts`; Node 20 ignores `--import` in a worker's execArgv for its entry module, so the thread
 * registers tsx itself before importing the entry.
 */
function sourceBootstrap(): string {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(sourceEntry.href);
  return `import(${tsx}).then(({ register }) => { register(); return import(${entry}); });`;
}

export const startWorkerThread = (config: WorkerConfig): Worker => {
  const { heapLimitMb } = config;
  const options = {
    workerData: config,
    // Read by the pool, which sends what handlers print to the model log.
    stdout: true,
    stderr: true,
    ...(heapLimitMb === undefined
      ? {}
      : { resourceLimits: { maxOldGenerationSizeMb: heapLimitMb } }),
  };
  if (existsSync(fileURLToPath(compiledEntry))) return new Worker(compiledEntry, options);
  return new Worker(sourceBootstrap(), { ...options, eval: true });
};
