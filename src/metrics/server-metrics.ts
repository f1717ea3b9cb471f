import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import type { LogDestination, Logger } from '../logging/index.js';
import { families, type FamilyName, type FamilySpec } from './families.js';
import { ModelMetrics, type MetricsContext } from './model-metrics.js';
import { MetricsLog } from './metrics-log.js';
import { logFamily, polledGauge, registryFamily, type Family, type Series } from './series.js';
import { SystemSampler } from './system-sampler.js';

/** TorchServe's modes; see `servedOnEndpoint` for what each puts where. */
export type MetricsMode = 'prometheus' | 'log' | 'legacy';

/** Why token authorization refused a request. */
export type AuthFailureReason =
  'missing' | 'malformed' | 'unknown' | 'wrong-scope' | 'expired' | 'throttled';

const authFailureReasons: readonly AuthFailureReason[] = [
  'missing',
  'malformed',
  'unknown',
  'wrong-scope',
  'expired',
  'throttled',
];

export interface MetricsOptions {
  readonly mode: MetricsMode;
  /** Where the metrics log (`ts_metrics.log`) goes when some family is logged. */
  readonly logFile: LogDestination;
  /** A path on the file system whose usage the disk metrics report. */
  readonly diskPath: string;
  /** Seconds between system-metric samples (`metric_time_interval`). */
  readonly intervalSec: number;
  readonly systemMetrics: boolean;
  readonly logger: Logger;
  /** The `Hostname` label; the machine's name by default. */
  readonly hostname?: string;
}

/** One model version's queue, read when the queue depth is reported. */
export interface QueueDepth {
  readonly name: string;
  readonly version: string;
  readonly pending: number;
}

/** A scrape's answer, ready to send. */
export interface Scrape {
  readonly contentType: string;
  readonly text: string;
}

type BoundFamilies = MetricsContext['families'];

/** `prometheus` serves everything; `legacy` only the `ts_*` counters; `log` serves nothing. */
function servedOnEndpoint(mode: MetricsMode, spec: FamilySpec): boolean {
  return mode === 'prometheus' || (mode === 'legacy' && spec.legacy === true);
}

/**
 * The server's metrics: one prom-client registry of its own, the families TorchServe's
 * dashboards read, the metrics log for what the mode does not serve, and the sampler.
 */
export class ServerMetrics {
  private readonly registry = new Registry();
  private readonly log: MetricsLog;
  private readonly hostname: string;
  private readonly context: MetricsContext;
  private readonly responses: readonly [Series, Series, Series];
  private readonly authFailures: ReadonlyMap<AuthFailureReason, Series>;
  private readonly queueDepthLog: Family | undefined;
  private readonly system: SystemSampler | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private queues: () => Iterable<QueueDepth> = () => [];

  constructor(private readonly options: MetricsOptions) {
    this.log = new MetricsLog(options.logFile);
    this.hostname = options.hostname ?? osHostname();
    const bound = this.bindFamilies();
    const host = { Level: 'Host', Hostname: this.hostname };
    this.context = {
      families: bound,
      hostname: this.hostname,
      queueTime: bound.queueTime.series(host),
      workerThreadTime: bound.workerThreadTime.series(host),
    };
    this.responses = [
      bound.requests2xx.series(host),
      bound.requests4xx.series(host),
      bound.requests5xx.series(host),
    ];
    this.authFailures = new Map(
      authFailureReasons.map((reason) => [
        reason,
        bound.authFailures.series({ reason, hostname: this.hostname }),
      ]),
    );
    this.queueDepthLog = this.bindQueueDepth();
    const { systemMetrics, diskPath, logger } = options;
    if (systemMetrics) {
      this.system = new SystemSampler({
        families: bound,
        hostname: this.hostname,
        diskPath,
        logger,
      });
    }
    if (this.system !== undefined || this.queueDepthLog !== undefined) {
      this.timer = setInterval(() => this.sample(), options.intervalSec * 1000).unref();
      this.sample();
    }
  }

  /** Counts a response by status class; anything not 2xx or 4xx is a 5XX, as in TorchServe. */
  response(status: number): void {
    const index = status >= 200 && status < 300 ? 0 : status >= 400 && status < 500 ? 1 : 2;
    this.responses[index].record(1);
  }

  authFailure(reason: AuthFailureReason): void {
    this.authFailures.get(reason)?.record(1);
  }

  /** The recorders of one model version. */
  model(name: string, version: string): ModelMetrics {
    return new ModelMetrics(this.context, name, version);
  }

  /** Where the queue depth of every registered model version is read from. */
  watchQueues(read: () => Iterable<QueueDepth>): void {
    this.queues = read;
  }

  /** The endpoint's text: every family served, or only those named (unknown names skipped). */
  async scrape(names: readonly string[] = []): Promise<Scrape> {
    const wanted =
      names.length === 0 ? this.registry.getMetricsAsArray().map((metric) => metric.name) : names;
    const known = [...new Set(wanted)].filter((name) => this.registry.getSingleMetric(name));
    const texts = await Promise.all(
      known.map((name) => this.registry.getSingleMetricAsString(name)),
    );
    const text = texts.length === 0 ? '' : `${texts.join('\n\n')}\n`;
    return { contentType: this.registry.contentType, text };
  }

  /** Stops the sampler and closes the metrics log; every call returns the same promise. */
  close(): Promise<void> {
    clearInterval(this.timer);
    this.system?.stop();
    return this.log.close();
  }

  private bindFamilies(): BoundFamilies {
    const bound: Partial<Record<FamilyName, Family>> = {};
    for (const [key, spec] of Object.entries(families) as [FamilyName, FamilySpec][]) {
      if (key === 'queueDepth') continue;
      bound[key] = servedOnEndpoint(this.options.mode, spec)
        ? registryFamily(spec, this.registry)
        : logFamily(spec, this.log.write);
    }
    return bound as BoundFamilies;
  }

  /** Read at each scrape when served; otherwise logged at each sample. */
  private bindQueueDepth(): Family | undefined {
    const spec = families.queueDepth;
    if (!servedOnEndpoint(this.options.mode, spec)) return logFamily(spec, this.log.write);
    polledGauge(spec, this.registry, () => this.queueSeries());
    return undefined;
  }

  private *queueSeries(): Iterable<readonly [Record<string, string>, number]> {
    for (const { name, version, pending } of this.queues()) {
      yield [{ model_name: name, model_version: version, hostname: this.hostname }, pending];
    }
  }

  private sample(): void {
    this.system?.sample();
    if (this.queueDepthLog === undefined) return;
    for (const [labels, pending] of this.queueSeries()) {
      this.queueDepthLog.series(labels).record(pending);
    }
  }
}

/** The configuration has already refused any other value. */
function metricsMode(value: string): MetricsMode {
  return value === 'log' || value === 'legacy' ? value : 'prometheus';
}

/** The server's metrics as its configuration asks. */
export function createMetrics(
  config: Config,
  logger: Logger,
  logFile: LogDestination = { kind: 'file', path: join(config.logDir, 'ts_metrics.log') },
): ServerMetrics {
  const { settings } = config;
  return new ServerMetrics({
    mode: metricsMode(settings.metrics_mode),
    logFile,
    diskPath: config.workingDir,
    intervalSec: settings.metric_time_interval,
    systemMetrics: !settings.disable_system_metrics,
    logger,
  });
}
