/**
 * One in-process ONNX Runtime session on a worker thread: `session.run` on a fixed batch as fast as
 * it goes, nothing else. The raw baseline the server's batched throughput is compared with.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { seededRandom } from './models.js';
import type { FromWorker, RawWorkerData, ToWorker } from './raw-ort-protocol.js';

const data = workerData as RawWorkerData;
const port: MessagePort = parentPort ?? failOutsideWorker();

function failOutsideWorker(): never {
  throw new Error('raw-ort-worker runs as a worker thread');
}

const session = await InferenceSession.create(data.modelPath, {
  executionProviders: ['cpu'],
  intraOpNumThreads: data.intraOpThreads,
});
let feeds: Record<string, Tensor> = {};
let batch = 0;

function post(message: FromWorker): void {
  port.postMessage(message);
}

function prepare(rows: number): Record<string, Tensor> {
  const random = seededRandom(rows);
  const values = Float32Array.from({ length: rows * data.width }, () => random());
  return { [data.inputName]: new Tensor('float32', values, [rows, data.width]) };
}

async function runFor(seconds: number): Promise<{ runs: number; seconds: number }> {
  const started = performance.now();
  const until = started + seconds * 1000;
  let runs = 0;
  while (performance.now() < until) {
    await session.run(feeds);
    runs++;
  }
  return { runs, seconds: (performance.now() - started) / 1000 };
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'prepare') {
    batch = message.batch;
    feeds = prepare(batch);
    for (let warm = 0; warm < 2; warm++) await session.run(feeds);
    post({ type: 'prepared' });
  } else if (message.type === 'go') {
    const { runs, seconds } = await runFor(message.seconds);
    post({ type: 'done', items: runs * batch, seconds });
  } else {
    await session.release();
    post({ type: 'closed' });
    port.close();
  }
}

port.on('message', (message: ToWorker) => void handle(message));
post({ type: 'loaded' });
