import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { ModelSignature, SessionOptions, Tensor } from '../engine/index.js';
import type { HandlerRequest, HandlerResponse, HandlerSetup } from '../handlers/index.js';
import type { Logger } from '../logging/index.js';
import { backoffSteps } from './backoff.js';
import {
  noWorkers,
  startFailed,
  WorkerStartError,
  workerScaledDown,
  type RequestFailure,
} from './errors.js';
import { batchJob, describeJob, runJob, type Job } from './jobs.js';
import { PoolWorker, type WorkerEvents, type WorkerStatus } from './pool-worker.js';
import { isJobFailure, type BatchResult } from './protocol.js';
import { startWorkerThread, type SpawnThread } from './spawn.js';

export interface WorkerPoolOptions {
  readonly modelPath: string;
  /** Used in messages; the model file's name when absent. */
  readonly modelName?: string;
  /** Joins the model's name on every log line, when known. */
  readonly modelVersion?: string;
  /** `intraOpThreads` defaults to the cores divided among the workers being scaled to. */
  readonly sessionOptions?: SessionOptions;
  readonly minWorkers: number;
  readonly maxWorkers: number;
  readonly startupTimeoutMs: number;
  readonly responseTimeoutMs: number;
  /** One step of the Fibonacci back-off between restarts of a failed worker; 1000 by default. */
  readonly retryBackoffUnitMs?: number;
  readonly logger: Logger;
  /** Where the threads' stdout and stderr go, a line at a time; dropped when absent. */
  readonly modelLog?: Logger | undefined;
  /** Starts a worker: a thread by default, `startInlineThread` to run on this thread; tests pass a wrapper to reach the threads. */
  readonly spawnThread?: SpawnThread;
  /** The handler each worker loads after the model; `runBatch` needs one. */
  readonly handler?: HandlerSetup;
  /** Told of worker loads, restarts and batch timings, when the server keeps metrics. */
  readonly metrics?: PoolMetrics | undefined;
  /** Each thread's JavaScript heap limit in MiB; Node's default when absent. */
  readonly heapLimitMb?: number | undefined;
}

/** What the pool reports to the server's metrics. */
export interface PoolMetrics {
  workerLoaded(workerId: number, loadMs: number): void;
  workerRestarted(): void;
  /** A batch came back after `totalMs`; the worker spent `handlerMs` in the handler. */
  batchTimed(totalMs: number, handlerMs: number, predictionMs: number): void;
}

/** One row of TorchServe's describe-model `workers` array. */
export interface WorkerDescription {
  readonly id: number;
  readonly startTime: string;
  readonly status: WorkerStatus;
  /** Workers are threads, so this is the server's own process id. */
  readonly pid: number;
  readonly memoryUsage: number;
}

interface QueuedJob extends Job {
  readonly id: number;
}

/** The worker threads serving one model version, and the queue of jobs waiting for them. */
export class WorkerPool {
  private readonly options: WorkerPoolOptions;
  private readonly name: string;
  private readonly logger: Logger;
  private readonly modelLog: Logger | undefined;
  private readonly workers = new Map<number, PoolWorker>();
  private readonly queue: QueuedJob[] = [];
  private readonly restarts = new Set<NodeJS.Timeout>();
  private readonly events: WorkerEvents;
  private target = 0;
  private nextWorkerId = 1;
  private nextJobId = 1;
  private closing: Promise<boolean> | null = null;

  constructor(options: WorkerPoolOptions) {
    checkBounds(options);
    this.options = options;
    this.name = options.modelName ?? basename(options.modelPath);
    const bindings = { model: this.name, version: options.modelVersion };
    this.logger = options.logger.child(bindings);
    this.modelLog = options.modelLog?.child(bindings);
    this.events = {
      ready: (worker) => {
        options.metrics?.workerLoaded(worker.id, Date.now() - worker.startTime.getTime());
        this.dispatch();
      },
      answered: (worker, reply, elapsedMs, job) => {
        if (reply.kind !== 'batch-result') return;
        options.metrics?.batchTimed(elapsedMs, reply.handlerMs, reply.predictionMs);
        this.logHandlerFailures(worker.id, reply.results, job);
      },
      idle: () => this.dispatch(),
      startFailed: (worker) => {
        this.replace(worker, worker.failures + 1);
        this.rejectQueuedIfStranded();
      },
      died: (worker) => this.replace(worker, 0),
    };
  }

  /**
   * Starts or stops workers to reach `count`, clamped to the pool's bounds. Resolves when every
   * worker it started is ready; rejects when one fails to load, and that worker is retried after
   * a back-off like any failed worker.
   */
  async scale(count: number): Promise<void> {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`Worker count must be a non-negative integer, got ${count}.`);
    }
    if (this.closing !== null) throw noWorkers(this.name);
    const { minWorkers, maxWorkers } = this.options;
    this.target = Math.min(Math.max(count, minWorkers), maxWorkers);
    const active = this.activeWorkers();
    const started = [];
    for (let n = active.length; n < this.target; n++) started.push(this.start(0));
    for (const worker of this.pickToRetire(active, active.length - this.target)) worker.retire();
    const results = await Promise.allSettled(started.map((worker) => worker.ready));
    const failures = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    );
    if (failures.length === 0) return;
    const outOfMemory = failures.some((f) => f instanceof WorkerStartError && f.outOfMemory);
    throw startFailed(this.name, outOfMemory);
  }

  /**
   * Runs the model on the first free worker, waiting in line when all are busy. The feeds'
   * buffers move to the worker, so the caller's typed arrays are detached afterwards.
   */
  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    return this.enqueue((resolve, reject) => runJob(feeds, resolve, reject));
  }

  /**
   * Sends raw requests to one worker as one job: its handler preprocesses them, stacks what fits
   * into one run, and postprocesses each. Resolves with one entry per request, in order: its
   * response, or the error it alone failed with (`TypeError`/`RangeError` for bad input, a
   * `ServeError` otherwise). Rejects when the whole job fails (no workers, worker died). The
   * inputs' byte arrays move to the worker, so the caller's arrays are detached afterwards.
   */
  runBatch(requests: readonly HandlerRequest[]): Promise<(HandlerResponse | RequestFailure)[]> {
    if (requests.length === 0) return Promise.resolve([]);
    // Only a handler of the archive's own reads every header; the built-in ones need one at most.
    const keepHeaders = this.options.handler?.spec?.kind === 'file';
    return this.enqueue((resolve, reject) => batchJob(requests, keepHeaders, resolve, reject));
  }

  /** Asks one worker's handler for its customized describe metadata. */
  describeHandler(): Promise<Record<string, unknown>> {
    return this.enqueue((resolve, reject) => describeJob(resolve, reject));
  }

  /** The model's inputs and outputs once any worker has loaded it. */
  signature(): ModelSignature | undefined {
    for (const worker of this.workers.values())
      if (worker.signature !== undefined) return worker.signature;
    return undefined;
  }

  /** Workers that have loaded the model and take jobs. */
  readyCount(): number {
    return [...this.workers.values()].filter((worker) => worker.status === 'READY').length;
  }

  describe(): WorkerDescription[] {
    return [...this.workers.values()].map((worker) => ({
      id: worker.id,
      startTime: worker.startTime.toISOString(),
      status: worker.status,
      pid: process.pid,
      memoryUsage: worker.memoryUsage,
    }));
  }

  /**
   * Stops every worker, rejecting queued and running jobs with a 503. Waits up to `timeoutMs`
   * for the threads to end; a thread still inside a native call is left to end on its own.
   * Resolves true when every thread ended in time.
   */
  close(timeoutMs: number): Promise<boolean> {
    this.closing ??= this.shutDown(timeoutMs);
    return this.closing;
  }

  private async shutDown(timeoutMs: number): Promise<boolean> {
    this.target = 0;
    for (const timer of this.restarts) clearTimeout(timer);
    this.restarts.clear();
    for (const job of this.queue.splice(0)) job.reject(workerScaledDown());
    const workers = [...this.workers.values()];
    for (const worker of workers) worker.stop(workerScaledDown());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.all(workers.map((w) => w.exited)), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn(
        `Workers of ${this.name} still running after ${timeoutMs} ms; leaving them.`,
      );
      for (const worker of workers) worker.unref();
    }
    return outcome !== 'timeout';
  }

  private enqueue<T>(
    create: (resolve: (value: T) => void, reject: (error: Error) => void) => Job,
  ): Promise<T> {
    if (this.closing !== null || this.expectedWorkers() === 0) {
      return Promise.reject(noWorkers(this.name));
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ ...create(resolve, reject), id: this.nextJobId++ });
      this.dispatch();
    });
  }

  private start(failures: number): PoolWorker {
    const worker = new PoolWorker({
      id: this.nextWorkerId++,
      config: {
        modelPath: this.options.modelPath,
        sessionOptions: this.sessionOptions(),
        handler: this.options.handler,
        ...(this.options.heapLimitMb === undefined
          ? {}
          : { heapLimitMb: this.options.heapLimitMb }),
      },
      spawn: this.options.spawnThread ?? startWorkerThread,
      startupTimeoutMs: this.options.startupTimeoutMs,
      responseTimeoutMs: this.options.responseTimeoutMs,
      failures,
      logger: this.logger,
      modelLog: this.modelLog,
      events: this.events,
    });
    this.workers.set(worker.id, worker);
    void worker.exited.then(() => this.workers.delete(worker.id));
    return worker;
  }

  private sessionOptions(): SessionOptions {
    const threads = Math.max(1, Math.floor(availableParallelism() / Math.max(1, this.target)));
    return { intraOpThreads: threads, interOpThreads: 1, ...this.options.sessionOptions };
  }

  /** Workers that hold or will hold a session: loading or ready, not on their way out. */
  private activeWorkers(): PoolWorker[] {
    return [...this.workers.values()].filter((w) => w.status === 'LOADING' || w.status === 'READY');
  }

  private expectedWorkers(): number {
    return this.activeWorkers().length + this.restarts.size;
  }

  /** Idle workers go first, then loading ones; busy workers finish their job before they stop. */
  private pickToRetire(active: PoolWorker[], count: number): PoolWorker[] {
    const rank = (w: PoolWorker): number => (w.busy ? 2 : w.status === 'LOADING' ? 1 : 0);
    return [...active].sort((a, b) => rank(a) - rank(b)).slice(0, Math.max(0, count));
  }

  private dispatch(): void {
    for (const worker of this.workers.values()) {
      if (this.queue.length === 0) return;
      if (worker.status !== 'READY' || worker.busy) continue;
      let job = this.queue.shift();
      while (job !== undefined && !worker.assign(job.id, job)) job = this.queue.shift();
    }
  }

  /** A handler's own errors (not bad input) go to the model log with the request they failed. */
  private logHandlerFailures(workerId: number, results: readonly BatchResult[], job: Job): void {
    const modelLog = this.modelLog;
    if (modelLog === undefined) return;
    let requestIds: string[] | undefined;
    results.forEach((result, index) => {
      if (!isJobFailure(result) || result.kind === 'input') return;
      requestIds ??= job.requestIds?.() ?? [];
      const requestId = requestIds[index];
      modelLog.error({ worker: workerId, requestId }, `Handler failed: ${result.message}`);
    });
  }

  /** Schedules a new worker after the Fibonacci back-off, if the pool still wants one. */
  private replace(failed: PoolWorker, failures: number): void {
    if (this.closing !== null) return;
    if (this.expectedWorkers() >= this.target) return;
    const delay = backoffSteps(Math.max(1, failures)) * (this.options.retryBackoffUnitMs ?? 1000);
    this.logger.info(`Restarting worker ${failed.id} of ${this.name} in ${delay} ms.`);
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      if (this.activeWorkers().length >= this.target) return;
      this.options.metrics?.workerRestarted();
      this.start(failures);
    }, delay);
    this.restarts.add(timer);
  }

  /** Queued jobs wait only on workers that exist; a model that fails to load may never serve. */
  private rejectQueuedIfStranded(): void {
    if (this.activeWorkers().length > 0) return;
    for (const job of this.queue.splice(0)) job.reject(noWorkers(this.name));
  }
}

function checkBounds(options: WorkerPoolOptions): void {
  const { minWorkers, maxWorkers, startupTimeoutMs, responseTimeoutMs } = options;
  for (const [key, value] of Object.entries({ minWorkers, maxWorkers })) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${key} must be a non-negative integer, got ${value}.`);
    }
  }
  if (minWorkers > maxWorkers) {
    throw new RangeError(`minWorkers (${minWorkers}) must not exceed maxWorkers (${maxWorkers}).`);
  }
  for (const [key, value] of Object.entries({ startupTimeoutMs, responseTimeoutMs })) {
    if (!(value > 0)) throw new RangeError(`${key} must be a positive number, got ${value}.`);
  }
}
