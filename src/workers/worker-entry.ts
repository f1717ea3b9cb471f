import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerConfig } from './protocol.js';
import { serveJobs } from './worker-serve.js';

if (parentPort === null) {
  throw new Error('worker-entry must run in a worker thread.');
}
serveJobs(parentPort, workerData as WorkerConfig, {
  stopped: () => process.exit(0),
  // Thrown outside any handler: the thread ends and its pool replaces it.
  crashed: (error) =>
    process.nextTick(() => {
      throw error;
    }),
});
