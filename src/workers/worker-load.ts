import { createOnnxRuntimeEngine, type ModelSession } from '../engine/index.js';
import { startHandler, type StartedHandler } from '../handlers/index.js';
import type { WorkerConfig } from './protocol.js';

/** What a worker thread serves with: the session, and the handler when the model has one. */
export interface LoadedModel {
  readonly session: ModelSession;
  readonly handler: StartedHandler | null;
}

/** Loads the session, then the handler; a handler that fails to load or initialize fails both. */
export async function loadModel(config: WorkerConfig): Promise<LoadedModel> {
  const session = await createOnnxRuntimeEngine().load(config.modelPath, config.sessionOptions);
  if (config.handler === undefined) return { session, handler: null };
  try {
    return { session, handler: await startHandler(config.handler, session) };
  } catch (error: unknown) {
    await session.dispose();
    throw error;
  }
}
