import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { packExample, writeAddArchive } from './support/archives.js';
import { makeWorkDir, startCli, type RunningCli } from './support/server-process.js';

const host = hostname();
const hostLabels = `Level="Host",Hostname="${host}"`;
const labels = (name: string, version: string) =>
  `model_name="${name}",model_version="${version}",hostname="${host}"`;
const iris = (version: string) => labels('iris', version);
const row = '[5.1, 3.5, 1.4, 0.2]';
const json = { 'content-type': 'application/json' };

/** The value of one sample line; 0 for a series not yet printed. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

function families(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+)/gm)].map(([, name]) => name ?? '');
}

/** A handler whose thread exits on the body `die`, so its worker must be replaced. */
const mortal = `
export function preprocess(request) {
  if (new TextDecoder().decode(request.inputs[0]?.data) === 'die') process.exit(3);
  const row = { type: 'float32', dims: [1, 3], data: Float32Array.of(1, 2, 3) };
  return { a: row, b: row };
}
export function postprocess(outputs) {
  return Array.from(outputs.sum.data);
}
`;

async function waitReady(server: RunningCli, names: readonly string[]): Promise<void> {
  const key = server.keys().inference.key;
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await Promise.all(
      names.map(async (name) => {
        const reply = await server.call('inference', `/v2/models/${name}/ready`, { key });
        return reply.json().ready === true;
      }),
    );
    if (ready.every(Boolean)) return;
    await sleep(50);
  }
  throw new Error(`never ready: ${names.join(', ')}`);
}

async function startWithIris(
  config: Record<string, string> = {},
  withMortal = false,
): Promise<RunningCli> {
  const dir = makeWorkDir();
  const store = join(dir, 'store');
  await packExample(store, { name: 'iris', example: 'iris' });
  await writeAddArchive(store, 'mortal', mortal);
  const models = withMortal ? ['iris=iris-1.0.mar', 'mortal.mar'] : ['iris=iris-1.0.mar'];
  const server = await startCli({
    dir,
    config: {
      token_authorization_failure_limit: '1000',
      default_workers_per_model: '1',
      ...config,
    },
    args: ['--models', ...models],
  });
  await waitReady(server, withMortal ? ['iris', 'mortal'] : ['iris']);
  return server;
}

async function predict(server: RunningCli, path: string): Promise<void> {
  const key = server.keys().inference.key;
  const reply = await server.call('inference', path, { key, body: row, headers: json });
  assert.equal(reply.status, 200, reply.text);
}

async function scrape(server: RunningCli, query = ''): Promise<string> {
  const reply = await server.call('metrics', `/metrics${query}`);
  assert.equal(reply.status, 200);
  return reply.text;
}

async function waitForLog(server: RunningCli, pattern: RegExp): Promise<string> {
  const path = join(server.dir, 'logs', 'ts_metrics.log');
  let text = '';
  for (let attempt = 0; attempt < 100 && !pattern.test(text); attempt++) {
    if (existsSync(path)) text = readFileSync(path, 'utf8');
    await sleep(50);
  }
  return text;
}

describe('metrics in prometheus mode (the default)', () => {
  let server: RunningCli;
  before(async () => {
    server = await startWithIris({}, true);
  });
  after(() => server.stop());

  it('moves counters and histograms by exactly the traffic sent, per model and status class', async () => {
    const keys = server.keys();
    const earlier = await scrape(server);
    for (let n = 0; n < 3; n++) await predict(server, '/predictions/iris');
    await predict(server, '/predictions/iris/1.0');
    const call = (headers: Record<string, string>) =>
      server.call('inference', '/predictions/iris', {
        body: row,
        headers: { ...json, ...headers },
      });
    assert.equal((await call({ authorization: `Bearer ${keys.inference.key}x` })).status, 401);
    assert.equal((await call({})).status, 401);
    assert.equal((await call({ authorization: `Bearer ${keys.management.key}` })).status, 401);
    assert.equal((await call({ authorization: 'Basic abc' })).status, 401);
    const missing = await server.call('inference', '/predictions/nope', {
      key: keys.inference.key,
    });
    assert.equal(missing.status, 404);
    const now = await scrape(server);

    const moved = (series: string) => sample(now, series) - sample(earlier, series);
    assert.equal(moved(`ts_inference_requests_total{${iris('default')}}`), 3);
    assert.equal(moved(`ts_inference_requests_total{${iris('1.0')}}`), 1);
    assert.equal(moved(`onnxserve_inference_duration_seconds_count{${iris('default')}}`), 3);
    assert.equal(moved(`onnxserve_queue_duration_seconds_count{${iris('default')}}`), 3);
    assert.equal(moved(`onnxserve_batch_size_count{${iris('1.0')}}`), 4);
    assert.ok(moved(`ts_inference_latency_microseconds{${iris('default')}}`) > 0);
    assert.ok(moved(`ts_queue_latency_microseconds{${iris('1.0')}}`) > 0);
    // The first scrape's own 200 counts once it is written, before the second scrape.
    assert.equal(moved(`Requests2XX{${hostLabels}}`), 5);
    assert.equal(moved(`Requests4XX{${hostLabels}}`), 5);
    assert.equal(moved(`Requests5XX{${hostLabels}}`), 0);
    const reason = (name: string) =>
      moved(`onnxserve_auth_failures_total{reason="${name}",hostname="${host}"}`);
    assert.deepEqual(
      ['unknown', 'missing', 'wrong-scope', 'malformed', 'expired'].map(reason),
      [1, 1, 1, 1, 0],
    );
  });

  it("prints TorchServe's families and labels, worker and system metrics included", async () => {
    await predict(server, '/predictions/iris');
    const reply = await server.call('metrics', '/metrics', { method: 'POST' });
    assert.equal(reply.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const text = reply.text;
    assert.match(
      text,
      /^# HELP Requests2XX Torchserve prometheus counter metric with unit: Count$/m,
    );
    assert.match(text, /^# TYPE ts_inference_requests_total counter$/m);
    assert.ok(sample(text, `WorkerLoadTime{WorkerName="W-9001-iris_1.0",${hostLabels}}`) > 0);
    const modelLabels = `ModelName="iris",Level="Model",Hostname="${host}"`;
    assert.ok(sample(text, `HandlerTime{${modelLabels}}`) > 0);
    assert.ok(sample(text, `PredictionTime{${modelLabels}}`) > 0);
    assert.match(text, new RegExp(`^QueueTime\\{${hostLabels}\\} [\\d.e-]+$`, 'm'));
    assert.match(text, new RegExp(`^WorkerThreadTime\\{${hostLabels}\\} [\\d.e-]+$`, 'm'));
    assert.match(text, new RegExp(`^onnxserve_queue_depth\\{${iris('1.0')}\\} 0$`, 'm'));
    assert.equal(sample(text, `onnxserve_worker_restarts_total{${iris('1.0')}}`), 0);
    for (const name of ['CPUUtilization', 'MemoryUsed', 'MemoryAvailable', 'DiskAvailable']) {
      assert.match(text, new RegExp(`^${name}\\{${hostLabels}\\} [\\d.e-]+$`, 'm'), name);
    }
  });

  it('counts a worker restart and the 5XX of the request it dropped', async () => {
    const key = server.keys().inference.key;
    const restarts = `onnxserve_worker_restarts_total{${labels('mortal', '1.0')}}`;
    const earlier = await scrape(server);
    const died = await server.call('inference', '/predictions/mortal', { key, body: 'die' });
    assert.equal(died.status, 500);
    let now = await scrape(server);
    for (let attempt = 0; attempt < 100 && sample(now, restarts) === 0; attempt++) {
      await sleep(50);
      now = await scrape(server);
    }
    const moved = (series: string) => sample(now, series) - sample(earlier, series);
    assert.equal(moved(restarts), 1);
    assert.equal(moved(`Requests5XX{${hostLabels}}`), 1);
  });

  it('filters families by name[], and serves /metrics on the metrics listener only', async () => {
    const text = await scrape(server, '?name[]=Requests4XX&name%5B%5D=ts_inference_requests_total');
    assert.deepEqual(families(text), ['Requests4XX', 'ts_inference_requests_total']);
    const key = server.keys().inference.key;
    assert.equal((await server.call('inference', '/metrics', { key })).status, 404);
  });

  it('describes every listener, and a model, with valid OpenAPI 3.0 documents', async () => {
    const key = server.keys().inference.key;
    const documents = await Promise.all([
      server.call('inference', '/', { method: 'OPTIONS' }),
      server.call('management', '/api-description'),
      server.call('metrics', '/', { method: 'OPTIONS' }),
      server.call('inference', '/predictions/iris', { method: 'OPTIONS', key }),
    ]);
    for (const reply of documents) {
      const result = await new Validator().validate(reply.json());
      assert.ok(result.valid, JSON.stringify(result.errors));
    }
    const metricsPaths = Object.keys(documents[2]?.json<{ paths: object }>().paths ?? {});
    assert.deepEqual(metricsPaths.sort(), ['/', '/api-description', '/metrics']);
  });
});

describe('metrics_mode legacy and log', () => {
  let legacy: RunningCli;
  let logged: RunningCli;
  before(async () => {
    [legacy, logged] = await Promise.all([
      startWithIris({ metrics_mode: 'legacy' }),
      startWithIris({ metrics_mode: 'log', disable_system_metrics: 'true' }),
    ]);
  });
  after(() => Promise.all([legacy.stop(), logged.stop()]));

  it('legacy serves the three ts_* counters and logs everything else', async () => {
    await predict(legacy, '/predictions/iris');
    const text = await scrape(legacy);
    assert.deepEqual(families(text), [
      'ts_inference_requests_total',
      'ts_inference_latency_microseconds',
      'ts_queue_latency_microseconds',
    ]);
    assert.equal(sample(text, `ts_inference_requests_total{${iris('default')}}`), 1);
    const line = `^Requests2XX\\.Count:1\\.0\\|#Level:Host\\|#hostname:${host},timestamp:\\d+$`;
    const log = await waitForLog(legacy, new RegExp(line, 'm'));
    assert.match(log, new RegExp(line, 'm'));
    assert.match(log, /^CPUUtilization\.Percent:[\d.]+\|#Level:Host\|/m);
    assert.doesNotMatch(log, /^ts_inference_requests_total/m);
  });

  it('log answers the endpoint with no samples and writes every value to ts_metrics.log', async () => {
    await predict(logged, '/predictions/iris');
    assert.equal(await scrape(logged), '');
    const labels = `model_name:iris,model_version:default\\|#hostname:${host}`;
    const line = `^ts_inference_requests_total\\.Count:1\\.0\\|#${labels},timestamp:\\d+$`;
    const handlerTime = /^HandlerTime\.ms:[\d.]+\|#ModelName:iris,Level:Model\|/m;
    await waitForLog(logged, new RegExp(line, 'm'));
    const log = await waitForLog(logged, handlerTime);
    assert.match(log, new RegExp(line, 'm'));
    assert.match(log, handlerTime);
    assert.doesNotMatch(log, /^CPUUtilization/m);
  });
});
