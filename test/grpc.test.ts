// TorchServe's gRPC services through the real server, with token authorization on, against the
// HTTP API's answers for the same requests.
import { status, type ServiceError } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { examplesDir, packExample } from './support/archives.js';
import {
  collect,
  exchange,
  grpcClients,
  unary,
  withKey,
  type GrpcClients,
} from './support/grpc.js';
import { makeWorkDir, startCli, type KeyFile, type RunningCli } from './support/server-process.js';

interface Prediction {
  prediction: Buffer;
  sequence_id?: string;
  status?: { code: number; message: string };
}

interface Described {
  modelVersion: string;
  workers: unknown[];
}

const parse = <T>(response: { msg: string }): T => JSON.parse(response.msg) as T;

const irisRow = Buffer.from('[[5.1, 3.5, 1.4, 0.2]]');

/** What TorchServe's REST API answers, as the text a ManagementResponse carries. */
const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function waitReady(server: RunningCli, key: string, names: string[]): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const replies = await Promise.all(
      names.map((name) => server.call('inference', `/v2/models/${name}/ready`, { key })),
    );
    if (replies.every((reply) => reply.json().ready === true)) return;
    await sleep(50);
  }
  throw new Error(`models never became ready: ${names.join(', ')}`);
}

describe('gRPC with token authorization', () => {
  let server: RunningCli;
  let clients: GrpcClients;
  let keys: KeyFile;
  const predict = (request: object, key = keys.inference.key) =>
    unary<Prediction>(clients.inference, 'Predictions', request, withKey(key));
  const manage = (method: string, request: object, key = keys.management.key) =>
    unary<{ msg: string }>(clients.management, method, request, withKey(key));

  before(async () => {
    const dir = makeWorkDir();
    const store = join(dir, 'store');
    const bundled = join(examplesDir, 'model_store');
    for (const name of ['iris.mar', 'digits.mar'])
      copyFileSync(join(bundled, name), join(store, name));
    await packExample(store, { name: 'flower', version: '2.0', example: 'iris' });
    await packExample(store, { name: 'iris_tensor', example: 'iris', handler: 'tensor' });
    server = await startCli({
      dir,
      config: { default_workers_per_model: '1', enable_model_api: 'true' },
      args: ['--models', 'iris=iris.mar', 'digits=digits.mar', 'iris_tensor=iris_tensor-1.0.mar'],
    });
    keys = server.keys();
    clients = grpcClients(server.grpcTargets);
    await waitReady(server, keys.inference.key, ['iris', 'digits', 'iris_tensor']);
  });
  after(async () => {
    clients.close();
    await server.stop();
  });

  it('binds both services to loopback ports it logs', () => {
    assert.match(server.grpcTargets.inference ?? '', /^127\.0\.0\.1:\d+$/);
    assert.match(server.grpcTargets.management ?? '', /^127\.0\.0\.1:\d+$/);
    assert.notEqual(server.grpcTargets.inference, server.grpcTargets.management);
    assert.match(server.urls.inference ?? '', /^http:\/\//, 'HTTP urls are not taken for gRPC');
  });

  it('answers Ping with the /ping JSON text, without a key as /ping does', async () => {
    const http = await server.call('inference', '/ping');
    const reply = await unary<{ health: string }>(clients.inference, 'Ping', {});
    assert.equal(reply.health, http.text);
    assert.deepEqual(JSON.parse(reply.health), { status: 'Healthy' });
  });

  it('predicts iris and digits with the bytes the HTTP API answers', async () => {
    const key = keys.inference.key;
    const http = await server.call('inference', '/predictions/iris', { key, body: irisRow });
    assert.equal(http.status, 200, http.text);
    const viaData = await predict({ model_name: 'iris', input: { data: irisRow } });
    const viaBody = await predict({
      model_name: 'iris',
      model_version: '1.0',
      input: { body: irisRow },
    });
    assert.equal(viaData.prediction.toString('utf8'), http.text);
    assert.equal(viaBody.prediction.toString('utf8'), http.text);

    const samples = join(examplesDir, 'digits', 'samples');
    const file = readdirSync(samples).find((name) => name.endsWith('.png')) ?? '';
    const png = readFileSync(join(samples, file));
    const digitsHttp = await server.call('inference', '/predictions/digits', { key, body: png });
    const digits = await predict({ model_name: 'digits', input: { data: png } });
    assert.equal(digits.prediction.toString('utf8'), digitsHttp.text);
  });

  it("takes the tensor handler's Open Inference Protocol JSON in the body input", async () => {
    const key = keys.inference.key;
    const metadata = await server.call('inference', '/v2/models/iris_tensor', { key });
    const [input] = metadata.json<{ inputs: { name: string }[] }>().inputs;
    const body = JSON.stringify({
      inputs: [{ name: input?.name, shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }],
    });
    const http = await server.call('inference', '/predictions/iris_tensor', { key, body });
    assert.equal(http.status, 200, http.text);
    const reply = await predict({ model_name: 'iris_tensor', input: { body: Buffer.from(body) } });
    const answer = JSON.parse(reply.prediction.toString('utf8')) as { outputs: unknown[] };
    const expected = http.json<{ outputs: unknown[] }>();
    assert.deepEqual(answer.outputs, expected.outputs);
    assert.equal(answer.outputs.length > 0, true);
  });

  it('maps unknown models, bad input and a missing name to NOT_FOUND and INVALID_ARGUMENT', async () => {
    const key = keys.inference.key;
    const missing = await server.call('inference', '/predictions/nope', { key, body: irisRow });
    await assert.rejects(predict({ model_name: 'nope', input: { data: irisRow } }), {
      code: status.NOT_FOUND,
      details: missing.json().message,
    });
    await assert.rejects(predict({ model_name: 'iris', model_version: '9.9', input: {} }), {
      code: status.NOT_FOUND,
      details: 'Model version: 9.9 does not exist for model: iris',
    });
    const body = Buffer.from('[[5.1, 3.5');
    const bad = await server.call('inference', '/predictions/iris', { key, body });
    assert.equal(bad.status, 400);
    await assert.rejects(predict({ model_name: 'iris', input: { body } }), {
      code: status.INVALID_ARGUMENT,
      details: bad.json().message,
    });
    await assert.rejects(predict({ model_name: 'iris', input: { other: irisRow } }), {
      code: status.INVALID_ARGUMENT,
      details: "The request needs an input named 'data' or 'body'; it has 'other'.",
    });
    await assert.rejects(predict({ model_name: '', input: {} }), {
      code: status.INVALID_ARGUMENT,
      details: 'Parameter model_name is required.',
    });
  });

  it('answers UNAVAILABLE with the HTTP message when no worker can serve', async () => {
    await manage('RegisterModel', { url: 'flower-2.0.mar', model_name: 'idle', synchronous: true });
    const key = keys.management.key;
    const scale = '/models/idle?min_worker=0&max_worker=0&synchronous=true';
    assert.equal((await server.call('management', scale, { method: 'PUT', key })).status, 200);
    const http = await server.call('inference', '/predictions/idle', {
      key: keys.inference.key,
      body: irisRow,
    });
    assert.equal(http.status, 503);
    await assert.rejects(predict({ model_name: 'idle', input: { data: irisRow } }), {
      code: status.UNAVAILABLE,
      details: http.json().message,
    });
    await manage('UnregisterModel', { model_name: 'idle' });
  });

  it('survives malformed messages, and keeps serving', async () => {
    const send = (bytes: number[]) =>
      new Promise<ServiceError | null>((resolve) =>
        clients.inference.makeUnaryRequest(
          '/org.pytorch.serve.grpc.inference.InferenceAPIsService/Predictions',
          () => Buffer.from(bytes),
          (reply: Buffer) => reply,
          {},
          withKey(keys.inference.key),
          (error) => resolve(error),
        ),
      );
    const truncated = await send([0x12]);
    assert.equal(truncated?.code, status.INTERNAL);
    const iris = [0x0a, 0x04, ...Buffer.from('iris')];
    const dataWithoutValue = [0x1a, 0x06, 0x0a, 0x04, ...Buffer.from('data')];
    const empty = await send([...iris, ...dataWithoutValue]);
    assert.equal(empty?.code, status.INVALID_ARGUMENT);
    assert.equal(empty?.details, "Input 'data' is empty; expected JSON.");
    const reply = await predict({ model_name: 'iris', input: { data: irisRow } });
    assert.ok(reply.prediction.length > 0);
  });

  it('refuses a missing, malformed, unknown or wrong-scope key without echoing it', async () => {
    const request = { model_name: 'iris', input: { data: irisRow } };
    const call = (metadata = withKey()) =>
      unary(clients.inference, 'Predictions', request, metadata);
    const wrong = `${keys.inference.key}x`;
    const refusals = [
      call(),
      call(withKey(undefined, 'Token abc')),
      call(withKey(wrong)),
      call(withKey(keys.management.key)),
      call(withKey(keys.API.key)),
      unary(clients.management, 'ListModels', {}, withKey(keys.inference.key)),
    ];
    for (const refusal of refusals) {
      await assert.rejects(refusal, (error: { code: number; details: string }) => {
        assert.equal(error.code, status.UNAUTHENTICATED);
        assert.match(error.details, /^Token authorization failed/);
        for (const secret of [wrong, keys.management.key, keys.API.key, keys.inference.key]) {
          assert.ok(!error.details.includes(secret), 'the key is not echoed');
        }
        return true;
      });
    }
    const lowerCase = await unary<Prediction>(
      clients.inference,
      'Predictions',
      request,
      withKey(undefined, `bearer ${keys.inference.key}`),
    );
    assert.ok(lowerCase.prediction.length > 0, 'the scheme word is case-insensitive');
    assert.ok(!readFileSync(join(server.dir, 'logs', 'ts_log.log'), 'utf8').includes(wrong));
  });

  it('streams the prediction, and answers StreamPredictions2 in order with statuses', async () => {
    const request = { model_name: 'iris', input: { data: irisRow } };
    const expected = (await predict(request)).prediction;
    const streamed = await collect<Prediction>(
      clients.inference,
      'StreamPredictions',
      request,
      withKey(keys.inference.key),
    );
    assert.deepEqual(
      streamed.map((message) => message.prediction),
      [expected],
    );
    await assert.rejects(
      collect(
        clients.inference,
        'StreamPredictions',
        { model_name: 'nope', input: {} },
        withKey(keys.inference.key),
      ),
      { code: status.NOT_FOUND },
    );

    const answers = await exchange<Prediction>(
      clients.inference,
      'StreamPredictions2',
      [
        { ...request, sequence_id: 's1' },
        { model_name: 'nope', input: {}, sequence_id: 's2' },
        { ...request, sequence_id: 's3' },
      ],
      withKey(keys.inference.key),
    );
    assert.deepEqual(
      answers.map((answer) => [answer.sequence_id, answer.status?.code]),
      [
        ['s1', undefined],
        ['s2', status.NOT_FOUND],
        ['s3', undefined],
      ],
    );
    assert.deepEqual(answers[2]?.prediction, expected);
    await assert.rejects(exchange(clients.inference, 'StreamPredictions2', [request]), {
      code: status.UNAUTHENTICATED,
    });
  });

  it('counts gRPC predictions in the same metrics as HTTP', async () => {
    const scrape = async () => (await server.call('metrics', '/metrics')).text;
    const series = `ts_inference_requests_total{model_name="iris",model_version="default",hostname="${hostname()}"}`;
    const before = await scrape();
    for (let n = 0; n < 3; n++) await predict({ model_name: 'iris', input: { data: irisRow } });
    const now = await scrape();
    assert.equal(sample(now, series) - sample(before, series), 3);
  });

  it('registers, scales, describes, lists, sets the default and unregisters', async () => {
    const registered = await manage('RegisterModel', {
      url: 'iris.mar',
      model_name: 'flower',
      initial_workers: 1,
      synchronous: true,
    });
    assert.equal(
      registered.msg,
      jsonText({ status: 'Model "flower" Version: 1.0 registered with 1 initial workers' }),
    );
    const second = await manage('RegisterModel', { url: 'flower-2.0.mar' });
    assert.equal(second.msg, jsonText({ status: 'Processing worker updates...' }));

    const scaled = await manage('ScaleWorker', {
      model_name: 'flower',
      min_worker: 2,
      synchronous: true,
    });
    assert.equal(scaled.msg, jsonText({ status: 'Workers scaled to 2 for model: flower' }));
    const key = keys.management.key;
    const rest = await server.call('management', '/models/flower', { key });
    const described = parse<Described[]>(await manage('DescribeModel', { model_name: 'flower' }));
    // Worker memory is sampled as time goes by; everything else must be the same.
    const withoutWorkers = (list: Described[]) =>
      list.map(({ workers, ...others }) => ({ ...others, workers: workers.length }));
    assert.deepEqual(withoutWorkers(described), withoutWorkers(rest.json<Described[]>()));
    const all = parse<Described[]>(
      await manage('DescribeModel', { model_name: 'flower', model_version: 'all' }),
    );
    assert.deepEqual(
      all.map((model) => model.modelVersion),
      ['1.0', '2.0'],
    );

    const listed = await manage('ListModels', { limit: 2 });
    assert.equal(listed.msg, (await server.call('management', '/models?limit=2', { key })).text);
    assert.equal(parse<{ nextPageToken: string }>(listed).nextPageToken, '2');

    const defaulted = await manage('SetDefault', { model_name: 'flower', model_version: '2.0' });
    assert.equal(
      defaulted.msg,
      jsonText({ status: 'Default version successfully updated for model "flower" to "2.0"' }),
    );
    const old = await manage('UnregisterModel', { model_name: 'flower', model_version: '1.0' });
    assert.equal(old.msg, jsonText({ status: 'Model "flower" unregistered' }));
    await manage('UnregisterModel', { model_name: 'flower' });
    await assert.rejects(manage('DescribeModel', { model_name: 'flower' }), {
      code: status.NOT_FOUND,
      details: 'Model not found: flower',
    });
  });

  it('refuses bad management calls with the REST messages and TorchServe codes', async () => {
    const cases: [string, object, number, string][] = [
      ['RegisterModel', {}, status.INVALID_ARGUMENT, 'Parameter url is required.'],
      [
        'RegisterModel',
        { url: 'missing.mar' },
        status.NOT_FOUND,
        'Model not found at: missing.mar',
      ],
      [
        'RegisterModel',
        { url: 'iris.mar' },
        status.INVALID_ARGUMENT,
        'Model version 1.0 is already registered for model iris',
      ],
      [
        'RegisterModel',
        { url: 'iris.mar', model_name: 'x', runtime: 'python' },
        status.INVALID_ARGUMENT,
        'Invalid RuntimeType value: python',
      ],
      [
        'ScaleWorker',
        { model_name: 'iris', min_worker: 3, max_worker: 1 },
        status.INVALID_ARGUMENT,
        'max_worker cannot be less than min_worker.',
      ],
      ['ScaleWorker', { model_name: 'nope' }, status.NOT_FOUND, 'Model not found: nope'],
      [
        'SetDefault',
        { model_name: 'iris', model_version: '9.9' },
        status.NOT_FOUND,
        'Model version 9.9 does not exist for model iris',
      ],
      ['UnregisterModel', { model_name: 'nope' }, status.NOT_FOUND, 'Model not found: nope'],
      ['UnregisterModel', {}, status.INVALID_ARGUMENT, 'Parameter model_name is required.'],
      [
        'DescribeModel',
        { model_name: 'iris', model_version: '9.9' },
        status.NOT_FOUND,
        'Model version: 9.9 does not exist for model: iris',
      ],
    ];
    for (const [method, request, code, details] of cases) {
      await assert.rejects(
        manage(method, request),
        { code, details },
        `${method} ${JSON.stringify(request)}`,
      );
    }
  });
});
