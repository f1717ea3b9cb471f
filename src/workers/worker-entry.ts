import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol.js';
import { describeModel, memoryUsage, messageOf, runBatch, runFeeds } from './worker-jobs.js';
import { loadModel, type LoadedModel } from './worker-load.js';

async function load(port: MessagePort, config: WorkerConfig): Promise<LoadedModel | null> {
  try {
    const model = await loadModel(config);
    const { inputs, outputs } = model.session;
    port.postMessage({
      kind: 'ready',
      inputs,
      outputs,
      memoryUsage: memoryUsage(),
    } satisfies FromWorker);
    return model;
  } catch (error: unknown) {
    port.postMessage({ kind: 'load-failed', message: messageOf(error) } satisfies FromWorker);
    return null;
  }
}

async function stop(model: LoadedModel | null): Promise<never> {
  await model?.session.dispose();
  process.exit(0);
}

function handle(port: MessagePort, model: LoadedModel | null, message: ToWorker): Promise<void> {
  switch (message.kind) {
    case 'stop':
      return stop(model);
    case 'run':
      return runFeeds(port, model, message);
    case 'batch':
      return runBatch(port, model, message);
    case 'describe':
      return describeModel(port, model, message);
  }
}

/** Messages are handled strictly in order, each after the previous one (and the load) settles. */
function serve(port: MessagePort, config: WorkerConfig): void {
  const loading = load(port, config);
  let previous: Promise<unknown> = loading;
  port.on('message', (message: ToWorker) => {
    previous = previous.then(async () => handle(port, await loading, message));
  });
}

if (parentPort === null) {
  throw new Error('worker-entry must run in a worker thread.');
}
serve(parentPort, workerData as WorkerConfig);
