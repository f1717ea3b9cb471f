import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../logging/index.js';
import { ServerMetrics, type MetricsMode } from './server-metrics.js';

const open: ServerMetrics[] = [];

interface Made {
  readonly metrics: ServerMetrics;
  readonly logDir: string;
}

function make(mode: MetricsMode, systemMetrics = false, intervalSec = 60): Made {
  const logDir = mkdtempSync(join(tmpdir(), 'onnxserve-metrics-'));
  const metrics = new ServerMetrics({
    mode,
    logFile: { kind: 'file', path: join(logDir, 'ts_metrics.log') },
    diskPath: logDir,
    intervalSec,
    systemMetrics,
    logger: silentLogger(),
    hostname: 'test-host',
  });
  open.push(metrics);
  return { metrics, logDir };
}

function metricsFor(mode: MetricsMode, systemMetrics = false): ServerMetrics {
  return make(mode, systemMetrics).metrics;
}

/** The value of one sample line, e.g. `Requests2XX{Level="Host",Hostname="test-host"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function families(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+)/gm)].map(([, name]) => name ?? '');
}

const host = 'Level="Host",Hostname="test-host"';
const iris = (version: string) =>
  `model_name="iris",model_version="${version}",hostname="test-host"`;

/** Drives one request through a model's recorders as the predict path does. */
function serve(metrics: ServerMetrics, version: string, queuedMs: number, totalMs: number): void {
  const series = metrics.model('iris', '1.0').requests(version);
  series.received();
  series.dequeued(queuedMs);
  series.answered(totalMs);
}

describe('server metrics', () => {
  after(() => Promise.all(open.map((metrics) => metrics.close())));

  it('counts responses by status class; anything not 2xx or 4xx is a 5XX', async () => {
    const metrics = metricsFor('prometheus');
    for (const status of [200, 201, 404, 401, 429, 500, 503, 302, 101]) metrics.response(status);
    const { text, contentType } = await metrics.scrape();
    assert.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(sample(text, `Requests2XX{${host}}`), 2);
    assert.equal(sample(text, `Requests4XX{${host}}`), 3);
    assert.equal(sample(text, `Requests5XX{${host}}`), 4);
    assert.match(
      text,
      /^# HELP Requests2XX Torchserve prometheus counter metric with unit: Count$/m,
    );
  });

  it("keeps TorchServe's request counters per model and named version, in microseconds", async () => {
    const metrics = metricsFor('prometheus');
    serve(metrics, 'default', 2, 10);
    serve(metrics, 'default', 4, 20);
    serve(metrics, '1.0', 1, 5);
    const { text } = await metrics.scrape();
    assert.equal(sample(text, `ts_inference_requests_total{${iris('default')}}`), 2);
    assert.equal(sample(text, `ts_inference_requests_total{${iris('1.0')}}`), 1);
    assert.equal(sample(text, `ts_inference_latency_microseconds{${iris('default')}}`), 30_000);
    assert.equal(sample(text, `ts_queue_latency_microseconds{${iris('default')}}`), 6_000);
    assert.equal(sample(text, `QueueTime{${host}}`), 1);
    assert.equal(sample(text, `onnxserve_inference_duration_seconds_count{${iris('default')}}`), 2);
    assert.equal(
      sample(text, `onnxserve_inference_duration_seconds_sum{${iris('default')}}`),
      0.03,
    );
    const bucket = `onnxserve_queue_duration_seconds_bucket{le="0.0025",${iris('default')}}`;
    assert.equal(sample(text, bucket), 1);
  });

  it('records batches, worker loads, restarts and handler times per model', async () => {
    const metrics = metricsFor('prometheus');
    const model = metrics.model('iris', '1.0');
    model.batchFormed(3);
    model.batchFormed(1);
    model.workerLoaded(1, 250);
    model.workerRestarted();
    model.batchTimed(12, 9, 4);
    const { text } = await metrics.scrape();
    assert.equal(sample(text, `onnxserve_batch_size_count{${iris('1.0')}}`), 2);
    assert.equal(sample(text, `onnxserve_batch_size_sum{${iris('1.0')}}`), 4);
    assert.equal(sample(text, `onnxserve_batch_size_bucket{le="2",${iris('1.0')}}`), 1);
    assert.equal(sample(text, `WorkerLoadTime{WorkerName="W-9001-iris_1.0",${host}}`), 250);
    assert.equal(sample(text, `onnxserve_worker_restarts_total{${iris('1.0')}}`), 1);
    const modelLabels = 'ModelName="iris",Level="Model",Hostname="test-host"';
    assert.equal(sample(text, `HandlerTime{${modelLabels}}`), 9);
    assert.equal(sample(text, `PredictionTime{${modelLabels}}`), 4);
    assert.equal(sample(text, `WorkerThreadTime{${host}}`), 3);
  });

  it('counts auth failures by reason, every reason present from the start', async () => {
    const metrics = metricsFor('prometheus');
    metrics.authFailure('missing');
    metrics.authFailure('missing');
    metrics.authFailure('throttled');
    const { text } = await metrics.scrape();
    const reason = (name: string) =>
      sample(text, `onnxserve_auth_failures_total{reason="${name}",hostname="test-host"}`);
    assert.equal(reason('missing'), 2);
    assert.equal(reason('throttled'), 1);
    assert.equal(reason('wrong-scope'), 0);
  });

  it('reads queue depths at each scrape, dropping models no longer listed', async () => {
    const metrics = metricsFor('prometheus');
    let queues = [{ name: 'iris', version: '1.0', pending: 4 }];
    metrics.watchQueues(() => queues);
    assert.equal(sample((await metrics.scrape()).text, `onnxserve_queue_depth{${iris('1.0')}}`), 4);
    queues = [];
    const { text } = await metrics.scrape();
    assert.equal(sample(text, `onnxserve_queue_depth{${iris('1.0')}}`), undefined);
  });

  it('filters families by name[], skipping unknown names', async () => {
    const metrics = metricsFor('prometheus');
    metrics.response(200);
    const { text } = await metrics.scrape(['Requests2XX', 'QueueTime', 'NoSuchMetric']);
    assert.deepEqual(families(text), ['Requests2XX', 'QueueTime']);
    assert.equal((await metrics.scrape(['NoSuchMetric'])).text, '');
  });

  it('samples CPU, memory and disk unless system metrics are off', async () => {
    const sampled = metricsFor('prometheus', true);
    let text = '';
    for (let attempt = 0; attempt < 100 && !text.includes('DiskUsage{'); attempt++) {
      text = (await sampled.scrape()).text;
      await sleep(10);
    }
    for (const name of ['MemoryUsed', 'MemoryAvailable', 'MemoryUtilization', 'DiskAvailable']) {
      assert.ok((sample(text, `${name}{${host}}`) ?? -1) >= 0, name);
    }
    const quiet = await metricsFor('prometheus', false).scrape();
    assert.equal(sample(quiet.text, `MemoryUsed{${host}}`), undefined);
  });
});

describe('metrics modes', () => {
  after(() => Promise.all(open.map((metrics) => metrics.close())));

  function traffic(metrics: ServerMetrics): void {
    metrics.response(200);
    serve(metrics, 'default', 2, 10);
  }

  it('legacy serves only the three ts_* counters and logs the rest', async () => {
    const { metrics, logDir } = make('legacy');
    traffic(metrics);
    const { text } = await metrics.scrape();
    assert.deepEqual(families(text), [
      'ts_inference_requests_total',
      'ts_inference_latency_microseconds',
      'ts_queue_latency_microseconds',
    ]);
    await metrics.close();
    const log = readFileSync(join(logDir, 'ts_metrics.log'), 'utf8');
    assert.match(log, /^Requests2XX\.Count:1\.0\|#Level:Host\|#hostname:test-host,timestamp:\d+$/m);
    assert.doesNotMatch(log, /ts_inference_requests_total/);
  });

  it('log answers the endpoint with no samples and writes every value to ts_metrics.log', async () => {
    const { metrics, logDir } = make('log');
    traffic(metrics);
    assert.equal((await metrics.scrape()).text, '');
    await metrics.close();
    const log = readFileSync(join(logDir, 'ts_metrics.log'), 'utf8');
    const prefix =
      '\\|#model_name:iris,model_version:default\\|#hostname:test-host,timestamp:\\d+$';
    assert.match(log, new RegExp(`^ts_inference_requests_total\\.Count:1\\.0${prefix}`, 'm'));
    assert.match(
      log,
      new RegExp(`^ts_inference_latency_microseconds\\.Microseconds:10000\\.0${prefix}`, 'm'),
    );
    assert.match(log, /^Requests2XX\.Count:1\.0\|#Level:Host\|/m);
  });

  it('prometheus writes no metrics log', async () => {
    const { metrics, logDir } = make('prometheus');
    traffic(metrics);
    await metrics.close();
    assert.equal(existsSync(join(logDir, 'ts_metrics.log')), false);
  });

  it('log writes queue depths at each sample', async () => {
    const { metrics, logDir } = make('log', false, 1);
    metrics.watchQueues(() => [{ name: 'iris', version: '1.0', pending: 2 }]);
    const path = join(logDir, 'ts_metrics.log');
    const line = /^onnxserve_queue_depth\.Count:2\.0\|#model_name:iris,model_version:1\.0\|/m;
    const logged = () => existsSync(path) && line.test(readFileSync(path, 'utf8'));
    for (let waited = 0; waited < 3000 && !logged(); waited += 50) await sleep(50);
    await metrics.close();
    assert.match(readFileSync(path, 'utf8'), line);
  });
});
