import { EventEmitter } from 'node:events';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';
import type { WorkerThread } from './spawn.js';
import { serveJobs } from './worker-serve.js';

/**
 * A worker that runs on the server's own thread: the job loop of a worker thread, with messages
 * handed over in memory instead of copied between threads and waking another thread. That saves
 * two thread hops per request; in exchange the event loop waits while the model runs, and the
 * worker has no heap limit of its own and cannot be stopped in the middle of a job. The pool
 * treats it like any other worker.
 */
export class InlineThread extends EventEmitter implements WorkerThread {
  readonly sharesHeap = true;
  readonly stdout = null;
  readonly stderr = null;
  private deliver: ((message: ToWorker) => void) | null = null;
  private ended = false;

  constructor(config: WorkerConfig) {
    super();
    const port = {
      sharesHeap: true,
      postMessage: (message: FromWorker) => this.reply(message),
      on: (_event: 'message', listener: (message: ToWorker) => void) => {
        this.deliver = listener;
      },
    };
    serveJobs(port, config, {
      stopped: () => this.end(0),
      crashed: (error) => {
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
        this.end(1);
      },
    });
  }

  /** The job loop queues the message and starts it on a later tick, as a thread would. */
  postMessage(message: ToWorker): void {
    if (!this.ended) this.deliver?.(message);
  }

  /** Nothing keeps the process alive on this worker's behalf. */
  unref(): void {}

  /** Answers reach the pool after the job's own code has returned, never inside it. */
  private reply(message: FromWorker): void {
    queueMicrotask(() => {
      if (!this.ended) this.emit('message', message);
    });
  }

  private end(code: number): void {
    if (this.ended) return;
    this.ended = true;
    queueMicrotask(() => this.emit('exit', code));
  }
}

export const startInlineThread = (config: WorkerConfig): WorkerThread => new InlineThread(config);
