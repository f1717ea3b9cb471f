import type { CancelSignal } from '../batching/index.js';
import type { ModelSignature } from '../engine/index.js';
import type { HandlerRequest, HandlerResponse } from '../handlers/index.js';

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
  /** The built-in handler's name, or `custom` for a JavaScript handler. */
  readonly handlerName: string;
  workers(): readonly WorkerDescription[];
  queueStatus(): { remainingCapacity: number; pendingRequests: number };
  /** True unless its workers have been failing for longer than the retry window. */
  isHealthy(): boolean;
  /** Stops the workers; false when one was still busy after `timeoutMs`. */
  close(timeoutMs: number): Promise<boolean>;
  /**
   * Queues a request for the model's next batch; `signal` drops it if the client leaves.
   * `requestedVersion` is the version the request named, if any (for the metrics' labels).
   */
  predict(
    request: HandlerRequest,
    signal?: CancelSignal,
    requestedVersion?: string,
  ): Promise<HandlerResponse>;
  /** Inputs and outputs, known once a worker has loaded the model. */
  signature(): ModelSignature | undefined;
  /** The handler's own metadata for a customized describe; a 503 without a ready worker. */
  customizedMetadata(): Promise<Record<string, unknown>>;
}
