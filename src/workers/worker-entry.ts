import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createOnnxRuntimeEngine, type ModelSession } from '../engine/index.js';
import type { FromWorker, JobFailure, RunMessage, ToWorker, WorkerConfig } from './protocol.js';
import { copied, forTransfer } from './transfer.js';

/** Bytes of JavaScript memory this thread holds; native runtime memory belongs to the process. */
function memoryUsage(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toFailure(error: unknown): JobFailure {
  const message = messageOf(error);
  if (error instanceof TypeError || error instanceof RangeError) {
    return {
      kind: 'input',
      name: error instanceof TypeError ? 'TypeError' : 'RangeError',
      message,
    };
  }
  return { kind: 'internal', message };
}

function postResult(port: MessagePort, jobId: number, outputs: RunMessage['feeds']): void {
  const { tensors, transferList } = forTransfer(outputs);
  const message: FromWorker = {
    kind: 'result',
    jobId,
    outputs: tensors,
    memoryUsage: memoryUsage(),
  };
  try {
    port.postMessage(message, transferList);
  } catch (error: unknown) {
    // Some buffers cannot be detached (memory the runtime still owns); a copy always can be sent.
    if (!(error instanceof Error && error.name === 'DataCloneError')) throw error;
    port.postMessage({ ...message, outputs: copied(tensors) });
  }
}

async function runJob(port: MessagePort, session: ModelSession | null, job: RunMessage) {
  try {
    if (session === null) throw new Error('The model is not loaded.');
    postResult(port, job.jobId, await session.run(job.feeds));
  } catch (error: unknown) {
    const failure = toFailure(error);
    const message: FromWorker = {
      kind: 'error',
      jobId: job.jobId,
      failure,
      memoryUsage: memoryUsage(),
    };
    port.postMessage(message);
  }
}

async function load(port: MessagePort, config: WorkerConfig): Promise<ModelSession | null> {
  try {
    const session = await createOnnxRuntimeEngine().load(config.modelPath, config.sessionOptions);
    const { inputs, outputs } = session;
    port.postMessage({
      kind: 'ready',
      inputs,
      outputs,
      memoryUsage: memoryUsage(),
    } satisfies FromWorker);
    return session;
  } catch (error: unknown) {
    port.postMessage({ kind: 'load-failed', message: messageOf(error) } satisfies FromWorker);
    return null;
  }
}

async function stop(session: ModelSession | null): Promise<never> {
  await session?.dispose();
  process.exit(0);
}

/** Messages are handled strictly in order, each after the previous one (and the load) settles. */
function serve(port: MessagePort, config: WorkerConfig): void {
  const loading = load(port, config);
  let previous: Promise<unknown> = loading;
  port.on('message', (message: ToWorker) => {
    previous = previous.then(async () => {
      const session = await loading;
      return message.kind === 'stop' ? stop(session) : runJob(port, session, message);
    });
  });
}

if (parentPort === null) {
  throw new Error('worker-entry must run in a worker thread.');
}
serve(parentPort, workerData as WorkerConfig);
