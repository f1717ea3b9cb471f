/** The settings TorchServe reports for a model version (describe, snapshots). */
export interface ModelVersionSettings {
  readonly minWorkers: number;
  readonly maxWorkers: number;
  readonly batchSize: number;
  readonly maxBatchDelay: number;
  readonly responseTimeout: number;
  readonly startupTimeout: number;
}

export interface WorkerDescription {
  readonly id: string;
  readonly startTime: string;
  readonly status: string;
  readonly memoryUsage: number;
  readonly pid: number;
  readonly gpu: boolean;
  readonly gpuUsage: string;
}

/** One registered version of a model; the owner of its workers. */
export interface ModelVersion {
  readonly name: string;
  readonly version: string;
  readonly url: string;
  readonly settings: ModelVersionSettings;
  readonly loadedAtStartup: boolean;
  workers(): readonly WorkerDescription[];
  queueStatus(): { remainingCapacity: number; pendingRequests: number };
  /** True unless its workers have been failing for longer than the retry window. */
  isHealthy(): boolean;
  close(timeoutMs: number): Promise<void>;
}
