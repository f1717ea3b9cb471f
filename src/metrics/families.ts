/** The kinds of metric family the endpoint and the log know. */
export type FamilyKind = 'counter' | 'gauge' | 'histogram';

export interface FamilySpec {
  readonly name: string;
  readonly kind: FamilyKind;
  /** TorchServe's unit word, used in the help text and in log lines (`Requests2XX.Count:1.0`). */
  readonly unit: string;
  readonly labels: readonly string[];
  readonly help: string;
  readonly buckets?: readonly number[];
  /** Still served on the endpoint in `legacy` mode: TorchServe's three `ts_*` counters. */
  readonly legacy?: boolean;
}

const hostLabels = ['Level', 'Hostname'] as const;
const requestLabels = ['model_name', 'model_version', 'hostname'] as const;

/** TorchServe's own help text, so a family reads the same as on a TorchServe endpoint. */
function torchServe(
  name: string,
  kind: FamilyKind,
  unit: string,
  labels: readonly string[],
  legacy = false,
): FamilySpec {
  const help = `Torchserve prometheus ${kind} metric with unit: ${unit}`;
  return { name, kind, unit, labels, help, ...(legacy ? { legacy } : {}) };
}

const seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const batchSizes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** Every family onnxserve keeps: TorchServe's names and labels first, then its own additions. */
export const families = {
  requests2xx: torchServe('Requests2XX', 'counter', 'Count', hostLabels),
  requests4xx: torchServe('Requests4XX', 'counter', 'Count', hostLabels),
  requests5xx: torchServe('Requests5XX', 'counter', 'Count', hostLabels),
  inferenceRequests: torchServe(
    'ts_inference_requests_total',
    'counter',
    'Count',
    requestLabels,
    true,
  ),
  inferenceLatency: torchServe(
    'ts_inference_latency_microseconds',
    'counter',
    'Microseconds',
    requestLabels,
    true,
  ),
  queueLatency: torchServe(
    'ts_queue_latency_microseconds',
    'counter',
    'Microseconds',
    requestLabels,
    true,
  ),
  queueTime: torchServe('QueueTime', 'gauge', 'Milliseconds', hostLabels),
  workerThreadTime: torchServe('WorkerThreadTime', 'gauge', 'Milliseconds', hostLabels),
  workerLoadTime: torchServe('WorkerLoadTime', 'gauge', 'Milliseconds', [
    'WorkerName',
    ...hostLabels,
  ]),
  handlerTime: torchServe('HandlerTime', 'gauge', 'ms', ['ModelName', ...hostLabels]),
  predictionTime: torchServe('PredictionTime', 'gauge', 'ms', ['ModelName', ...hostLabels]),
  cpuUtilization: torchServe('CPUUtilization', 'gauge', 'Percent', hostLabels),
  memoryUsed: torchServe('MemoryUsed', 'gauge', 'Megabytes', hostLabels),
  memoryAvailable: torchServe('MemoryAvailable', 'gauge', 'Megabytes', hostLabels),
  memoryUtilization: torchServe('MemoryUtilization', 'gauge', 'Percent', hostLabels),
  diskUsage: torchServe('DiskUsage', 'gauge', 'Gigabytes', hostLabels),
  diskUtilization: torchServe('DiskUtilization', 'gauge', 'Percent', hostLabels),
  diskAvailable: torchServe('DiskAvailable', 'gauge', 'Gigabytes', hostLabels),
  inferenceDuration: {
    name: 'onnxserve_inference_duration_seconds',
    kind: 'histogram',
    unit: 'Seconds',
    labels: requestLabels,
    help: 'Time from accepting a prediction to its answer, failures included.',
    buckets: seconds,
  },
  queueDuration: {
    name: 'onnxserve_queue_duration_seconds',
    kind: 'histogram',
    unit: 'Seconds',
    labels: requestLabels,
    help: 'Time a prediction waited in its model queue before its batch went to a worker.',
    buckets: seconds,
  },
  batchSize: {
    name: 'onnxserve_batch_size',
    kind: 'histogram',
    unit: 'Count',
    labels: requestLabels,
    help: 'Requests in each batch handed to a worker.',
    buckets: batchSizes,
  },
  queueDepth: {
    name: 'onnxserve_queue_depth',
    kind: 'gauge',
    unit: 'Count',
    labels: requestLabels,
    help: 'Requests accepted and not yet handed to a worker.',
  },
  workerRestarts: {
    name: 'onnxserve_worker_restarts_total',
    kind: 'counter',
    unit: 'Count',
    labels: requestLabels,
    help: 'Worker threads started to replace ones that died or failed to load.',
  },
  authFailures: {
    name: 'onnxserve_auth_failures_total',
    kind: 'counter',
    unit: 'Count',
    labels: ['reason', 'hostname'],
    help: 'Requests refused by token authorization, by reason.',
  },
} as const satisfies Record<string, FamilySpec>;

export type FamilyName = keyof typeof families;
