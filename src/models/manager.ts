import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import {
  discardArchive,
  MODEL_NAME_PATTERN,
  openArchive,
  parseHandler,
  type ArchiveHandler,
  type ModelArchive,
} from '../archive/index.js';
import { handlerSection } from '../handlers/index.js';
import type { Config } from '../config/index.js';
import { ServeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { ServerMetrics } from '../metrics/index.js';
import type { ModelRegistry, ModelVersionSettings } from '../registry/index.js';
import { startInlineThread, WorkerPool, type SpawnThread } from '../workers/index.js';
import {
  configuredSettings,
  effectiveSettings,
  type RequestedSettings,
} from './effective-settings.js';
import { ServedModel } from './served-model.js';
import type { SnapshotVersion } from './snapshot.js';
import { resolveModelSource, type ModelSource } from './source.js';

export interface RegisterRequest extends RequestedSettings {
  readonly url: string;
  readonly modelName?: string | undefined;
  readonly handler?: string | undefined;
  readonly runtime?: string | undefined;
  readonly synchronous: boolean;
  /** Settings to use as they are, bypassing the usual order (a snapshot being restored). */
  readonly exact?: ModelVersionSettings | undefined;
}

/** A management call's outcome: TorchServe's status code and `{"status": …}` text. */
export interface Outcome {
  readonly code: number;
  readonly status: string;
}

export interface ManagerOptions {
  readonly config: Config;
  readonly modelStore: string;
  readonly registry: ModelRegistry;
  readonly logger: Logger;
  /** Where what handlers print goes (`model_log.log`). */
  readonly modelLog?: Logger;
  /** Where archives are extracted; owned by the server for its lifetime. */
  readonly extractRoot: string;
  /** Called after every change of registered state, e.g. to write a snapshot. */
  readonly onChange?: () => void;
  /** Back-off unit between worker restarts, in ms; tests shorten it. */
  readonly retryBackoffUnitMs?: number;
  /** The server's metrics; each model version records into its own labels. */
  readonly metrics?: ServerMetrics;
}

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const remoteUrl = /^(https?|file):\/\//i;

/** Registers, scales and unregisters models: archives, settings and worker pools together. */
export class ModelManager {
  constructor(private readonly options: ManagerOptions) {}

  async register(request: RegisterRequest, loadedAtStartup = false): Promise<Outcome> {
    if (request.runtime !== undefined && request.runtime !== 'onnx') {
      throw new ServeError('BadRequestException', `Invalid RuntimeType value: ${request.runtime}`);
    }
    const source = await this.fetch(request.url);
    const archive = await this.open(source);
    const model = await this.admit(request, source, archive, loadedAtStartup).catch(
      async (error: unknown) => {
        await discardArchive(archive);
        await this.forget(source);
        throw error;
      },
    );
    this.options.onChange?.();
    return this.startWorkers(model, request.synchronous);
  }

  private fetch(url: string): Promise<ModelSource> {
    const { settings } = this.options.config;
    return resolveModelSource(url, this.options.modelStore, {
      allowed: settings.allowed_urls,
      maxBytes: settings.max_model_download_size,
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
  }

  private async open(source: ModelSource): Promise<ModelArchive> {
    try {
      return await openArchive(source.path, { extractRoot: this.options.extractRoot });
    } catch (error: unknown) {
      await this.forget(source);
      throw error;
    }
  }

  private async forget(source: ModelSource): Promise<void> {
    if (!source.downloaded) return;
    await unlink(source.path).catch(() => undefined);
  }

  private async admit(
    request: RegisterRequest,
    source: ModelSource,
    archive: ModelArchive,
    loadedAtStartup: boolean,
  ): Promise<ServedModel> {
    const name = request.modelName ?? archive.manifest.model.modelName;
    if (!MODEL_NAME_PATTERN.test(name)) {
      throw new ServeError('BadRequestException', `Invalid model name: ${name}`);
    }
    const version = archive.manifest.model.modelVersion;
    const { config, registry, logger } = this.options;
    const settings =
      request.exact ??
      effectiveSettings(
        request,
        archive.modelConfig,
        configuredSettings(config.settings.models, name, version),
        {
          workers: request.initialWorkers ?? config.settings.default_workers_per_model,
          responseTimeout: config.settings.default_response_timeout,
          startupTimeout: config.settings.default_startup_timeout,
        },
      );
    for (const warning of archive.modelConfigWarnings) logger.warn({ model: name }, warning);

    const handler = handlerOverride(request.handler, archive) ?? archive.handler;
    const defaultHandler = config.settings.default_service_handler ?? 'tensor';
    const metrics = this.options.metrics?.model(name, version);
    const pool = new WorkerPool({
      handler: {
        spec: handler,
        defaultName: defaultHandler,
        modelName: name,
        modelVersion: version,
        modelDir: archive.dir,
        config: handlerSection(archive.modelConfig),
        batchSize: settings.batchSize,
      },
      modelPath: archive.serializedFilePath,
      modelName: name,
      modelVersion: version,
      sessionOptions: sessionOptionsOf(archive),
      minWorkers: 0,
      maxWorkers: 1024,
      startupTimeoutMs: settings.startupTimeout * 1000,
      responseTimeoutMs: settings.responseTimeout * 1000,
      logger,
      modelLog: this.options.modelLog,
      metrics,
      heapLimitMb: config.settings.worker_heap_limit_mb || undefined,
      spawnThread: this.spawnerFor(name, archive, handler),
      ...(this.options.retryBackoffUnitMs === undefined
        ? {}
        : { retryBackoffUnitMs: this.options.retryBackoffUnitMs }),
    });
    const model = new ServedModel({
      name,
      version,
      url: request.url,
      source,
      archive,
      settings,
      jobQueueSize: archive.modelConfig.jobQueueSize ?? config.settings.job_queue_size,
      loadedAtStartup,
      handlerName:
        handler === undefined
          ? defaultHandler
          : handler.kind === 'builtin'
            ? handler.name
            : 'custom',
      pool,
      metrics,
    });
    try {
      registry.add(model);
    } catch (error: unknown) {
      await pool.close(0);
      throw error;
    }
    return model;
  }

  /** Inline workers when the model config asks for them and the handler is a built-in one. */
  private spawnerFor(
    name: string,
    archive: ModelArchive,
    handler: ArchiveHandler | undefined,
  ): SpawnThread | undefined {
    if (archive.modelConfig.inline !== true) return undefined;
    if (handler?.kind !== 'file') {
      this.options.logger.info(
        { model: name },
        `Workers of ${name} run inline, on the server's thread.`,
      );
      return startInlineThread;
    }
    this.options.logger.warn(
      { model: name },
      `inline: true is for the built-in handlers; ${name} has its own, so its workers are threads.`,
    );
    return undefined;
  }

  private async startWorkers(model: ServedModel, synchronous: boolean): Promise<Outcome> {
    const { minWorkers, maxWorkers } = model.settings;
    const registered = `Model "${model.name}" Version: ${model.version} registered with`;
    if (minWorkers <= 0) {
      return {
        code: 200,
        status: `${registered} 0 initial workers. Use scale workers API to add workers for the model.`,
      };
    }
    const scaling = model.scale(minWorkers, maxWorkers);
    if (!synchronous) {
      scaling.catch((error: unknown) =>
        this.options.logger.error({ model: model.name, err: error }, 'Workers failed to start'),
      );
      return { code: 202, status: 'Processing worker updates...' };
    }
    try {
      await scaling;
    } catch (error: unknown) {
      await this.unregister(model.name, model.version).catch(() => undefined);
      throw startFailure(error, model.name, model.version);
    }
    if (model.readyWorkers() < minWorkers) return scalingInProgress;
    return { code: 200, status: `${registered} ${model.targetWorkers} initial workers` };
  }

  async scale(
    name: string,
    version: string | undefined,
    min: number,
    max: number,
    synchronous: boolean,
  ): Promise<Outcome> {
    if (max < min)
      throw new ServeError('BadRequestException', 'max_worker cannot be less than min_worker.');
    const model = this.options.registry.get(name, version) as ServedModel;
    if (max < 0)
      throw new ServeError('InternalServerException', `max_worker cannot be negative: ${max}`);
    const scaling = model.scale(Math.max(0, min), max);
    this.options.onChange?.();
    if (!synchronous) {
      scaling.catch((error: unknown) =>
        this.options.logger.error({ model: name, err: error }, 'Workers failed to start'),
      );
      return { code: 202, status: 'Processing worker updates...' };
    }
    try {
      await scaling;
    } catch (error: unknown) {
      throw startFailure(error, name, version ?? model.version);
    }
    if (model.readyWorkers() < min) return scalingInProgress;
    const suffix = version === undefined ? '' : `, version: ${version}`;
    return {
      code: 200,
      status: `Workers scaled to ${model.targetWorkers} for model: ${name}${suffix}`,
    };
  }

  /** Removes a version and stops its workers within `unregister_model_timeout` (408 beyond). */
  async unregister(name: string, version: string | undefined): Promise<Outcome> {
    const model = this.options.registry.remove(name, version);
    this.options.onChange?.();
    const timeoutMs = this.options.config.settings.unregister_model_timeout * 1000;
    if (!(await model.close(timeoutMs))) {
      throw new ServeError(
        'RequestTimeoutException',
        `Timed out while cleaning resources: ${name}`,
      );
    }
    return { code: 200, status: `Model "${name}" unregistered` };
  }

  setDefault(name: string, version: string): Outcome {
    this.options.registry.setDefault(name, version);
    this.options.onChange?.();
    return {
      code: 200,
      status: `Default version successfully updated for model "${name}" to "${version}"`,
    };
  }

  /** Registers a version as a snapshot recorded it; workers load in the background. */
  restore(name: string, saved: SnapshotVersion): Promise<Outcome> {
    const fetched = remoteUrl.test(saved.marName)
      ? basename(new URL(saved.marName).pathname)
      : undefined;
    const local = fetched !== undefined && existsSync(join(this.options.modelStore, fetched));
    const { minWorkers, maxWorkers, batchSize, maxBatchDelay, responseTimeout, startupTimeout } =
      saved;
    return this.register(
      {
        url: local ? (fetched ?? saved.marName) : saved.marName,
        modelName: name,
        synchronous: false,
        exact: {
          minWorkers,
          maxWorkers,
          batchSize,
          maxBatchDelay,
          responseTimeout,
          startupTimeout,
        },
      },
      true,
    );
  }

  /** Stops every model's workers; used at shutdown. */
  async closeAll(timeoutMs: number): Promise<void> {
    await Promise.all(this.options.registry.all().map((model) => model.close(timeoutMs)));
  }
}

/** A synchronous call that returns while some workers it asked for are still loading. */
const scalingInProgress: Outcome = { code: 206, status: 'Workers scaling in progress...' };

/** TorchServe's message, with 507 when a worker ran out of memory and 500 otherwise. */
function startFailure(error: unknown, name: string, version: string): ServeError {
  const outOfMemory = error instanceof ServeError && error.status === 507;
  return new ServeError(
    outOfMemory ? 'InsufficientStorageException' : 'InternalServerException',
    `Failed to start workers for model ${name} version: ${version}`,
  );
}

function sessionOptionsOf(archive: ModelArchive): { intraOpThreads?: number } {
  const threads = archive.modelConfig.intraOpThreads;
  return threads === undefined ? {} : { intraOpThreads: threads };
}

/** The register call's `handler`: a built-in name, or a JavaScript file inside the archive. */
function handlerOverride(
  value: string | undefined,
  archive: ModelArchive,
): ArchiveHandler | undefined {
  if (value === undefined || value === '') return undefined;
  const spec = parseHandler(value);
  if (spec.kind === 'builtin') return spec;
  const path = resolve(archive.dir, spec.file);
  if (relative(archive.dir, path).startsWith('..') || !existsSync(path)) {
    throw new ServeError(
      'BadRequestException',
      `Handler file not found in the archive: ${spec.file}`,
    );
  }
  return { kind: 'file', path, entryPoint: spec.entryPoint };
}
