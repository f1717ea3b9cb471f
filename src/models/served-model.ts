import { unlink } from 'node:fs/promises';
import { discardArchive, type ModelArchive } from '../archive/index.js';
import { Batcher, type CancelSignal } from '../batching/index.js';
import type { ModelSignature } from '../engine/index.js';
import { ServeError } from '../errors/index.js';
import type { HandlerRequest, HandlerResponse } from '../handlers/index.js';
import type { ModelMetrics, RequestSeries } from '../metrics/index.js';
import type { ModelVersion, ModelVersionSettings, WorkerDescription } from '../registry/index.js';
import type { WorkerPool } from '../workers/index.js';
import type { ModelSource } from './source.js';

export interface ServedModelParts {
  readonly name: string;
  readonly version: string;
  readonly url: string;
  readonly source: ModelSource;
  readonly archive: ModelArchive;
  readonly settings: ModelVersionSettings;
  readonly jobQueueSize: number;
  readonly loadedAtStartup: boolean;
  readonly handlerName: string;
  readonly pool: WorkerPool;
  /** This version's recorders, when the server keeps metrics. */
  readonly metrics?: ModelMetrics | undefined;
}

/** A request in the queue, with what its metrics need once its batch forms. */
interface Submission {
  readonly request: HandlerRequest;
  readonly queuedAt: number;
  readonly series: RequestSeries | undefined;
}

/** A registered model version: its archive on disk, its settings and its worker threads. */
export class ServedModel implements ModelVersion {
  readonly name: string;
  readonly version: string;
  readonly url: string;
  readonly loadedAtStartup: boolean;
  readonly archive: ModelArchive;
  readonly handlerName: string;
  private current: ModelVersionSettings;
  private workerCount = 0;
  private readonly batcher: Batcher<Submission, HandlerResponse>;

  constructor(private readonly parts: ServedModelParts) {
    this.name = parts.name;
    this.version = parts.version;
    this.url = parts.url;
    this.loadedAtStartup = parts.loadedAtStartup;
    this.archive = parts.archive;
    this.handlerName = parts.handlerName;
    this.current = parts.settings;
    this.batcher = new Batcher<Submission, HandlerResponse>({
      batchSize: parts.settings.batchSize,
      maxBatchDelayMs: parts.settings.maxBatchDelay,
      queueSize: parts.jobQueueSize,
      runBatch: (submissions) => this.runBatch(submissions),
      describeRefusal: () => noWorker(parts.name),
    });
  }

  /**
   * Queues one request for the next batch; a client that goes away (`signal`) before its batch
   * forms is dropped. Rejects with a 503 when no worker can serve or the queue is full.
   */
  predict(
    request: HandlerRequest,
    signal?: CancelSignal,
    requestedVersion?: string,
  ): Promise<HandlerResponse> {
    const series = this.parts.metrics?.requests(requestedVersion ?? 'default');
    if (series === undefined) return this.batcher.submit({ request, queuedAt: 0, series }, signal);
    return this.measured(request, series, signal);
  }

  /** `predict`, counted and timed under the labels of `series`, whatever its outcome. */
  private async measured(
    request: HandlerRequest,
    series: RequestSeries,
    signal: CancelSignal | undefined,
  ): Promise<HandlerResponse> {
    series.received();
    const queuedAt = performance.now();
    try {
      return await this.batcher.submit({ request, queuedAt, series }, signal);
    } finally {
      series.answered(performance.now() - queuedAt);
    }
  }

  /** Hands a formed batch to the workers; its requests' queue wait ends here. */
  private runBatch(submissions: Submission[]) {
    const metrics = this.parts.metrics;
    const now = metrics === undefined ? 0 : performance.now();
    const requests = submissions.map((submission) => {
      submission.series?.dequeued(now - submission.queuedAt);
      return submission.request;
    });
    metrics?.batchFormed(requests.length);
    return this.parts.pool.runBatch(requests);
  }

  /** Inputs and outputs once a worker has loaded the model. */
  signature(): ModelSignature | undefined {
    return this.parts.pool.signature();
  }

  customizedMetadata(): Promise<Record<string, unknown>> {
    if (this.readyWorkers() === 0) {
      return Promise.reject(
        new ServeError(
          'ServiceUnavailableException',
          `Model "${this.name}" has no worker to serve describe request. Please use scale workers API to add workers.`,
        ),
      );
    }
    return this.parts.pool.describeHandler();
  }

  get settings(): ModelVersionSettings {
    return this.current;
  }

  /** Workers that have loaded the model and take requests. */
  readyWorkers(): number {
    return this.parts.pool.readyCount();
  }

  /** Workers asked for: what describe reports and what health is judged against. */
  get targetWorkers(): number {
    return this.workerCount;
  }

  /**
   * Sets min and max as TorchServe's scale call does and moves the worker count inside them.
   * Resolves once new workers have loaded; rejects if one fails to.
   */
  scale(minWorkers: number, maxWorkers: number): Promise<void> {
    this.current = { ...this.current, minWorkers, maxWorkers };
    this.workerCount = Math.min(Math.max(this.workerCount, minWorkers), maxWorkers);
    this.batcher.setSlots(this.workerCount);
    return this.parts.pool.scale(this.workerCount);
  }

  workers(): WorkerDescription[] {
    return this.parts.pool.describe().map((worker) => ({
      id: String(9000 + worker.id),
      startTime: worker.startTime,
      status: worker.status,
      memoryUsage: worker.memoryUsage,
      pid: worker.pid,
      gpu: false,
      gpuUsage: 'N/A',
    }));
  }

  queueStatus(): { remainingCapacity: number; pendingRequests: number } {
    return {
      remainingCapacity: this.batcher.remainingCapacity(),
      pendingRequests: this.batcher.pending(),
    };
  }

  isHealthy(): boolean {
    const working = this.parts.pool.describe().filter((worker) => worker.status !== 'FAILED');
    return working.length >= Math.min(this.current.minWorkers, this.workerCount);
  }

  /**
   * Stops the workers, removes the extracted files, and deletes an archive the server fetched.
   * Resolves false when a worker was still busy after `timeoutMs`.
   */
  async close(timeoutMs: number): Promise<boolean> {
    this.batcher.close(new ServeError('ServiceUnavailableException', 'Worker scaled down.'));
    const stopped = await this.parts.pool.close(timeoutMs);
    await discardArchive(this.archive);
    if (this.parts.source.downloaded) await unlink(this.parts.source.path).catch(() => undefined);
    return stopped;
  }
}

/** TorchServe's words when a model version cannot take a request. */
function noWorker(name: string): ServeError {
  return new ServeError(
    'ServiceUnavailableException',
    `Model "${name}" has no worker to serve inference request. Please use scale workers API to add workers. ` +
      'If this is a sequence inference, please check if it is closed, or expired; or exceeds maxSequenceJobQueueSize',
  );
}
