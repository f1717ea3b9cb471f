import type { JobPort, ToWorker, WorkerConfig } from './protocol.js';
import { describeModel, memoryUsage, messageOf, runBatch, runFeeds } from './worker-jobs.js';
import { loadModel, type LoadedModel } from './worker-load.js';

/** How a worker's job loop ends; a thread exits, the inline worker tells its pool. */
export interface JobLoopEnd {
  /** A stop message was handled and the session released. */
  stopped(): void;
  /** A job failed outside its own error handling; the worker must not take more. */
  crashed(error: unknown): void;
}

async function load(port: JobPort, config: WorkerConfig): Promise<LoadedModel | null> {
  try {
    const model = await loadModel(config);
    const { inputs, outputs } = model.session;
    port.postMessage({ kind: 'ready', inputs, outputs, memoryUsage: memoryUsage() });
    return model;
  } catch (error: unknown) {
    port.postMessage({ kind: 'load-failed', message: messageOf(error) });
    return null;
  }
}

async function stop(model: LoadedModel | null, end: JobLoopEnd): Promise<void> {
  await model?.session.dispose();
  end.stopped();
}

function handle(
  port: JobPort,
  model: LoadedModel | null,
  message: ToWorker,
  end: JobLoopEnd,
): Promise<void> {
  switch (message.kind) {
    case 'stop':
      return stop(model, end);
    case 'run':
      return runFeeds(port, model, message);
    case 'batch':
      return runBatch(port, model, message);
    case 'describe':
      return describeModel(port, model, message);
  }
}

/**
 * Loads the model, reports `ready` or `load-failed`, then answers the messages strictly in order,
 * each after the previous one (and the load) settles.
 */
export function serveJobs(port: JobPort, config: WorkerConfig, end: JobLoopEnd): void {
  const loading = load(port, config);
  let previous: Promise<unknown> = loading;
  port.on('message', (message) => {
    previous = previous
      .then(async () => handle(port, await loading, message, end))
      .catch((error: unknown) => end.crashed(error));
  });
}
