import { unlink } from 'node:fs/promises';
import { discardArchive, type ModelArchive } from '../archive/index.js';
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
  readonly pool: WorkerPool;
}

/** A registered model version: its archive on disk, its settings and its worker threads. */
export class ServedModel implements ModelVersion {
  readonly name: string;
  readonly version: string;
  readonly url: string;
  readonly loadedAtStartup: boolean;
  readonly archive: ModelArchive;
  private current: ModelVersionSettings;
  private workerCount = 0;

  constructor(private readonly parts: ServedModelParts) {
    this.name = parts.name;
    this.version = parts.version;
    this.url = parts.url;
    this.loadedAtStartup = parts.loadedAtStartup;
    this.archive = parts.archive;
    this.current = parts.settings;
  }

  get settings(): ModelVersionSettings {
    return this.current;
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
    return { remainingCapacity: this.parts.jobQueueSize, pendingRequests: 0 };
  }

  isHealthy(): boolean {
    const working = this.parts.pool.describe().filter((worker) => worker.status !== 'FAILED');
    return working.length >= Math.min(this.current.minWorkers, this.workerCount);
  }

  /** Stops the workers, removes the extracted files, and deletes an archive the server fetched. */
  async close(timeoutMs: number): Promise<void> {
    await this.parts.pool.close(timeoutMs);
    await discardArchive(this.archive);
    if (this.parts.source.downloaded) await unlink(this.parts.source.path).catch(() => undefined);
  }
}
