import type { Logger } from '../logging/index.js';
import type { ModelSignature } from '../engine/index.js';
import { isOutOfMemory, workerDied, workerScaledDown, WorkerStartError } from './errors.js';
import type { Job, JobReply, Outgoing } from './jobs.js';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';
import type { SpawnThread, WorkerThread } from './spawn.js';
import { pipeThreadOutput } from './thread-output.js';

export type WorkerStatus = 'READY' | 'LOADING' | 'UNLOADING' | 'FAILED';

/** What the pool hears from one of its workers. */
export interface WorkerEvents {
  ready(worker: PoolWorker): void;
  startFailed(worker: PoolWorker): void;
  /** The worker answered a job `elapsedMs` after it was sent; settled right after this. */
  answered(worker: PoolWorker, reply: JobReply, elapsedMs: number, job: Job): void;
  /** The worker finished a job and can take another. */
  idle(worker: PoolWorker): void;
  /** The worker exited or stopped answering; its job is already rejected. */
  died(worker: PoolWorker): void;
}

export interface PoolWorkerOptions {
  readonly id: number;
  readonly config: WorkerConfig;
  readonly spawn: SpawnThread;
  readonly startupTimeoutMs: number;
  readonly responseTimeoutMs: number;
  /** Consecutive start failures before this worker, for the back-off of its replacement. */
  readonly failures: number;
  readonly logger: Logger;
  /** Where the thread's printed output goes; dropped when absent. */
  readonly modelLog?: Logger | undefined;
  readonly events: WorkerEvents;
}

/** One worker thread owning one session, running one job at a time. */
export class PoolWorker {
  readonly id: number;
  readonly startTime = new Date();
  readonly failures: number;
  status: WorkerStatus = 'LOADING';
  /** Bytes of JavaScript memory the thread reported with its last message. */
  memoryUsage = 0;
  /** Settles when the thread has exited; never rejects. */
  readonly exited: Promise<void>;
  readonly ready: Promise<void>;
  /** The model's inputs and outputs, as the worker's session reported them once loaded. */
  signature: ModelSignature | undefined;

  private readonly thread: WorkerThread;
  private readonly options: PoolWorkerOptions;
  private readonly logger: Logger;
  private job: { id: number; job: Job; timer: NodeJS.Timeout; sentAt: number } | null = null;
  private startupTimer: NodeJS.Timeout | null;
  private stopping = false;
  private retiring = false;
  /** The thread hit its heap limit; its failures answer 507. */
  private outOfMemory = false;
  private settleReady: { resolve(): void; reject(error: Error): void } | null = null;

  constructor(options: PoolWorkerOptions) {
    this.options = options;
    this.id = options.id;
    this.failures = options.failures;
    this.logger = options.logger.child({ worker: options.id });
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = { resolve, reject };
    });
    // The pool reports start failures through scale(); this keeps an unobserved one quiet.
    this.ready.catch(() => undefined);
    this.thread = options.spawn(options.config);
    pipeThreadOutput(this.thread, options.modelLog?.child({ worker: options.id }));
    this.exited = new Promise((resolve) => this.thread.once('exit', () => resolve()));
    this.startupTimer = setTimeout(
      () => this.failStart(`did not load within ${options.startupTimeoutMs} ms`),
      options.startupTimeoutMs,
    );
    this.listen();
  }

  get busy(): boolean {
    return this.job !== null;
  }

  /** Sends a job; returns false (and rejects the job) when its inputs cannot be sent. */
  assign(id: number, job: Job): boolean {
    // Taken before posting: the worker may start while postMessage is still returning.
    const sentAt = performance.now();
    try {
      if (this.thread.sharesHeap === true) this.thread.postMessage(job.message(id));
      else this.post(job.outgoing(id));
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      job.reject(new TypeError(`The inputs cannot be sent to a worker: ${reason}`));
      return false;
    }
    const timer = setTimeout(() => this.timeOut(), this.options.responseTimeoutMs);
    this.job = { id, job, timer, sentAt };
    return true;
  }

  /** Stops taking jobs; the thread ends after its current job, or now when it has none. */
  retire(): void {
    this.retiring = true;
    this.status = 'UNLOADING';
    if (this.job === null) this.stop(workerScaledDown());
  }

  /** Rejects the job in hand with `reason` and asks the thread to end as soon as it can. */
  stop(reason: Error): void {
    if (this.status !== 'FAILED') this.status = 'UNLOADING';
    this.clearStartupTimer();
    this.settleReady?.reject(new Error('Worker stopped before it was ready.'));
    this.settleReady = null;
    this.rejectJob(reason);
    this.requestExit();
  }

  /**
   * Lets the process exit without this thread. Exiting while the thread is inside a native run
   * still aborts the process, so callers do this only after waiting for the thread.
   */
  unref(): void {
    this.thread.unref();
  }

  private post(outgoing: Outgoing): void {
    try {
      this.thread.postMessage(outgoing.message, outgoing.transferList);
    } catch (error: unknown) {
      // A buffer that refuses to move (marked untransferable) can still be copied.
      if (!(error instanceof Error && error.name === 'DataCloneError')) throw error;
      this.thread.postMessage(outgoing.copied());
    }
  }

  private listen(): void {
    this.thread.on('message', (message: FromWorker) => this.receive(message));
    this.thread.on('error', (error: Error) => {
      if (isOutOfMemory(error)) this.outOfMemory = true;
      this.logger.error({ err: error }, `Worker ${this.id} threw: ${error.message}`);
    });
    this.thread.once('exit', (code: number) => this.exit(code));
  }

  private receive(message: FromWorker): void {
    switch (message.kind) {
      case 'ready':
        this.signature = { inputs: message.inputs, outputs: message.outputs };
        this.becomeReady(message.memoryUsage);
        return;
      case 'load-failed':
        this.failStart(message.message);
        return;
      case 'result':
      case 'batch-result':
      case 'described':
      case 'error':
        this.finishJob(message);
        return;
    }
  }

  private becomeReady(memoryUsage: number): void {
    if (this.status !== 'LOADING') return;
    this.clearStartupTimer();
    this.status = 'READY';
    this.memoryUsage = memoryUsage;
    this.settleReady?.resolve();
    this.settleReady = null;
    this.options.events.ready(this);
  }

  private finishJob(message: JobReply): void {
    const current = this.job;
    if (current === null || current.id !== message.jobId) return;
    clearTimeout(current.timer);
    this.job = null;
    this.memoryUsage = message.memoryUsage;
    this.options.events.answered(this, message, performance.now() - current.sentAt, current.job);
    current.job.settle(message);
    if (this.retiring) this.stop(workerScaledDown());
    else this.options.events.idle(this);
  }

  private failStart(reason: string): void {
    if (this.status !== 'LOADING') return;
    this.logger.error(
      `Worker ${this.id} failed to load ${this.options.config.modelPath}: ${reason}`,
    );
    this.clearStartupTimer();
    this.status = 'FAILED';
    const outOfMemory = this.outOfMemory || isOutOfMemory(reason);
    this.settleReady?.reject(new WorkerStartError(reason, outOfMemory));
    this.settleReady = null;
    this.requestExit();
    this.options.events.startFailed(this);
  }

  private timeOut(): void {
    this.logger.warn(
      { requestIds: this.job?.job.requestIds?.() },
      `Worker ${this.id} did not answer within ${this.options.responseTimeoutMs} ms.`,
    );
    this.die();
  }

  private exit(code: number): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.status === 'LOADING') {
      this.failStart(`exited with code ${code} while loading`);
      return;
    }
    this.logger.warn(
      { requestIds: this.job?.job.requestIds?.() },
      `Worker ${this.id} exited unexpectedly with code ${code}.`,
    );
    this.die();
  }

  private die(): void {
    if (this.status === 'FAILED') return;
    this.status = 'FAILED';
    this.rejectJob(workerDied(this.outOfMemory));
    this.requestExit();
    this.options.events.died(this);
  }

  private rejectJob(error: Error): void {
    if (this.job === null) return;
    clearTimeout(this.job.timer);
    this.job.job.reject(error);
    this.job = null;
  }

  private clearStartupTimer(): void {
    if (this.startupTimer !== null) clearTimeout(this.startupTimer);
    this.startupTimer = null;
  }

  /** Asks the thread to exit after its current call; `StopMessage` says why not terminate(). */
  private requestExit(): void {
    this.clearStartupTimer();
    if (this.stopping) return;
    this.stopping = true;
    this.thread.postMessage({ kind: 'stop' } satisfies ToWorker);
  }
}
