import type { FamilyName } from './families.js';
import type { Family, Series } from './series.js';

/** What a model's recorders share with the rest of the server's metrics. */
export interface MetricsContext {
  readonly families: Readonly<Record<Exclude<FamilyName, 'queueDepth'>, Family>>;
  readonly hostname: string;
  /** Host-level gauges every model sets: the last queue wait and the last worker overhead. */
  readonly queueTime: Series;
  readonly workerThreadTime: Series;
}

/** describe-model numbers workers from here, as TorchServe numbers them by port. */
const FIRST_WORKER_ID = 9000;

/**
 * The series of one request label set: a model and the version the request named, `default`
 * when it named none (TorchServe's `model_version` label).
 */
export class RequestSeries {
  private readonly requests: Series;
  private readonly latencyUs: Series;
  private readonly queueUs: Series;
  private readonly duration: Series;
  private readonly queueDuration: Series;
  private readonly queueTime: Series;

  constructor(context: MetricsContext, labels: Readonly<Record<string, string>>) {
    const { families } = context;
    this.queueTime = context.queueTime;
    this.requests = families.inferenceRequests.series(labels);
    this.latencyUs = families.inferenceLatency.series(labels);
    this.queueUs = families.queueLatency.series(labels);
    this.duration = families.inferenceDuration.series(labels);
    this.queueDuration = families.queueDuration.series(labels);
  }

  /** A prediction reached its model, before it is queued (refusals count too). */
  received(): void {
    this.requests.record(1);
  }

  /** Its batch went to a worker after `waitedMs` in the queue. */
  dequeued(waitedMs: number): void {
    this.queueUs.record(waitedMs * 1000);
    this.queueDuration.record(waitedMs / 1000);
    this.queueTime.record(waitedMs);
  }

  /** It was answered, well or not, `elapsedMs` after it was received. */
  answered(elapsedMs: number): void {
    this.latencyUs.record(elapsedMs * 1000);
    this.duration.record(elapsedMs / 1000);
  }
}

/** The recorders of one registered model version, labels bound once. */
export class ModelMetrics {
  private readonly byLabel = new Map<string, RequestSeries>();
  private readonly batchSize: Series;
  private readonly restarts: Series;
  private readonly handlerTime: Series;
  private readonly predictionTime: Series;

  constructor(
    private readonly context: MetricsContext,
    readonly name: string,
    readonly version: string,
  ) {
    const { families, hostname } = context;
    const labels = { model_name: name, model_version: version, hostname };
    this.batchSize = families.batchSize.series(labels);
    this.restarts = families.workerRestarts.series(labels);
    const modelLabels = { ModelName: name, Level: 'Model', Hostname: hostname };
    this.handlerTime = families.handlerTime.series(modelLabels);
    this.predictionTime = families.predictionTime.series(modelLabels);
  }

  /** The series for requests that named `versionLabel` (`default` when they named none). */
  requests(versionLabel: string): RequestSeries {
    let series = this.byLabel.get(versionLabel);
    if (series === undefined) {
      const { hostname } = this.context;
      const labels = { model_name: this.name, model_version: versionLabel, hostname };
      series = new RequestSeries(this.context, labels);
      this.byLabel.set(versionLabel, series);
    }
    return series;
  }

  batchFormed(size: number): void {
    this.batchSize.record(size);
  }

  workerLoaded(workerId: number, loadMs: number): void {
    const { families, hostname } = this.context;
    const workerName = `W-${FIRST_WORKER_ID + workerId}-${this.name}_${this.version}`;
    families.workerLoadTime
      .series({ WorkerName: workerName, Level: 'Host', Hostname: hostname })
      .record(loadMs);
  }

  workerRestarted(): void {
    this.restarts.record(1);
  }

  /**
   * A batch job came back `totalMs` after it was sent; the worker spent `handlerMs` in the
   * handler, `predictionMs` of them in the model's runs. The rest is the frontend's overhead.
   */
  batchTimed(totalMs: number, handlerMs: number, predictionMs: number): void {
    this.handlerTime.record(handlerMs);
    this.predictionTime.record(predictionMs);
    this.context.workerThreadTime.record(Math.max(0, totalMs - handlerMs));
  }
}
