import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { Logs } from '../logging/index.js';
import type { ServerMetrics } from '../metrics/index.js';
import { ModelRegistry } from '../registry/index.js';
import { makeExtractRoot } from './extract-root.js';
import { ModelManager } from './manager.js';
import { readLatestSnapshot, takeSnapshot, writeSnapshot } from './snapshot.js';
import { loadStartupModels, restoreSnapshot, startupEntries } from './startup.js';

/** The models of one server: registry, manager, startup loading, snapshots and cleanup. */
export interface ModelService {
  readonly registry: ModelRegistry;
  readonly manager: ModelManager;
  /** Restores the newest snapshot, or else registers `load_models` / `--models`. */
  loadInitialModels(): Promise<void>;
  close(timeoutMs: number): Promise<void>;
}

export function createModelService(
  config: Config,
  logs: Pick<Logs, 'server' | 'model'>,
  metrics?: ServerMetrics,
): ModelService {
  const logger = logs.server;
  const registry = new ModelRegistry();
  metrics?.watchQueues(() =>
    registry.all().map((model) => ({
      name: model.name,
      version: model.version,
      pending: model.queueStatus().pendingRequests,
    })),
  );
  const modelStore = resolve(config.workingDir, config.settings.model_store ?? '.');
  const extractRoot = makeExtractRoot();
  const configDir = join(config.logDir, 'config');
  let recording = false;

  const record = (kind: 'startup' | 'snapshot' | 'shutdown'): void => {
    if (!config.snapshots) return;
    try {
      writeSnapshot(configDir, kind, takeSnapshot(registry));
    } catch (error: unknown) {
      logger.error(`Cannot write a config snapshot in ${configDir}: ${String(error)}`);
    }
  };
  const manager = new ModelManager({
    config,
    modelStore,
    registry,
    logger,
    modelLog: logs.model,
    extractRoot,
    onChange: () => recording && record('snapshot'),
    metrics,
  });

  return {
    registry,
    manager,
    async loadInitialModels() {
      const snapshot = config.snapshots ? readLatestSnapshot(configDir) : undefined;
      if (snapshot !== undefined) {
        logger.info(`Restoring ${snapshot.modelCount} model version(s) from the latest snapshot`);
        await restoreSnapshot(manager, snapshot, logger);
      } else {
        const workers = config.settings.default_workers_per_model || availableParallelism();
        await loadStartupModels(
          manager,
          startupEntries(config.settings.load_models, modelStore),
          workers,
          logger,
        );
      }
      recording = true;
      record('startup');
    },
    async close(timeoutMs) {
      if (recording) record('shutdown');
      recording = false;
      await manager.closeAll(timeoutMs);
      rmSync(extractRoot, { recursive: true, force: true });
    },
  };
}
