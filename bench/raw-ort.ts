import { Worker } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { FromWorker, RawWorkerData, ToWorker } from './raw-ort-protocol.js';
import { percentile } from './stats.js';

const workerUrl = new URL('./raw-ort-worker.js', import.meta.url);

export interface RawLatency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly runs: number;
}

/** A session on this thread, for the latency floor of one small input. */
export interface RawSession {
  measure(seconds: number): Promise<RawLatency>;
  close(): Promise<void>;
}

export async function openRawSession(
  modelPath: string,
  inputName: string,
  row: readonly number[],
): Promise<RawSession> {
  const session = await InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
  });
  const values = Float32Array.from(row);
  // A new input tensor per call, as a server builds one per request.
  const once = () => session.run({ [inputName]: new Tensor('float32', values, [1, row.length]) });
  return {
    measure: (seconds) => timeRuns(once, seconds),
    close: () => session.release(),
  };
}

async function timeRuns(once: () => Promise<unknown>, seconds: number): Promise<RawLatency> {
  for (let warm = 0; warm < 100; warm++) await once();
  const samples: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return {
    p50Ms: percentile(samples, 0.5),
    p99Ms: percentile(samples, 0.99),
    runs: samples.length,
  };
}

/** How the two cores are split: `sessions` worker threads of `intraOpThreads` threads each. */
export interface CoreSplit {
  readonly sessions: number;
  readonly intraOpThreads: number;
}

export interface SweepPoint extends CoreSplit {
  readonly batch: number;
  readonly itemsPerSecond: number;
}

export interface SweepRequest {
  readonly modelPath: string;
  readonly inputName: string;
  readonly width: number;
  readonly batches: readonly number[];
  readonly seconds: number;
}

/** Items per second of bare `session.run` loops for each batch size, all sessions at once. */
export async function sweepRaw(split: CoreSplit, request: SweepRequest): Promise<SweepPoint[]> {
  const { modelPath, inputName, width } = request;
  const data: RawWorkerData = { modelPath, inputName, width, intraOpThreads: split.intraOpThreads };
  const workers = Array.from({ length: split.sessions }, () => startWorker(data));
  try {
    await Promise.all(workers.map((worker) => reply(worker, undefined, 'loaded')));
    const points: SweepPoint[] = [];
    for (const batch of request.batches) {
      const itemsPerSecond = await measureBatch(workers, batch, request.seconds);
      points.push({ ...split, batch, itemsPerSecond });
    }
    return points;
  } finally {
    await Promise.all(workers.map((worker) => closeWorker(worker)));
  }
}

async function measureBatch(workers: Worker[], batch: number, seconds: number): Promise<number> {
  await Promise.all(workers.map((worker) => reply(worker, { type: 'prepare', batch }, 'prepared')));
  const done = await Promise.all(
    workers.map((worker) => reply(worker, { type: 'go', seconds }, 'done')),
  );
  return done.reduce(
    (sum, each) => sum + (each.type === 'done' ? each.items / each.seconds : 0),
    0,
  );
}

function startWorker(data: RawWorkerData): Worker {
  return new Worker(workerUrl, { workerData: data });
}

/** Sends `message` (if any) and resolves with the worker's next message of type `expected`. */
function reply(
  worker: Worker,
  message: ToWorker | undefined,
  expected: FromWorker['type'],
): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: FromWorker): void => {
      if (answer.type !== expected) return;
      worker.off('message', onMessage).off('error', reject);
      resolve(answer);
    };
    worker.on('message', onMessage).once('error', reject);
    if (message !== undefined) worker.postMessage(message);
  });
}

async function closeWorker(worker: Worker): Promise<void> {
  // A worker that failed has nothing left to release; terminating it is all that is left to do.
  await reply(worker, { type: 'close' }, 'closed').catch(() => undefined);
  await worker.terminate();
}
