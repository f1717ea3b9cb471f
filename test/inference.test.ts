import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { examplesDir, packExample, writeAddArchive } from './support/archives.js';
import { makeWorkDir, startCli, type RunningCli } from './support/server-process.js';

/** Probabilities the server returns are compared with ONNX Runtime run here, to this tolerance. */
const TOLERANCE = 1e-5;

const probe = `
import { TextDecoder } from 'node:util';
export function preprocess(request) {
  const text = new TextDecoder().decode(request.inputs.find((input) => input.name === 'body')?.data ?? new Uint8Array());
  if (text === 'die') process.exit(3);
  if (text === 'fail') throw new Error('broken on purpose');
  if (text === 'busy') throw Object.assign(new Error('try again later'), { status: 503 });
  if (text === 'hang') for (const end = Date.now() + 3000; Date.now() < end; );
  globalThis.lastHeaders = request.headers;
  const row = (values) => ({ type: 'float32', dims: [1, 3], data: Float32Array.from(values) });
  return { a: row([1, 2, 3]), b: row([10, 20, 30]) };
}
export function postprocess(outputs) {
  return { sum: Array.from(outputs.sum.data), headers: Object.keys(globalThis.lastHeaders).sort() };
}
`;

/** The label with the highest score (JSON.parse puts integer-like keys first, so not key order). */
function best(scores: Record<string, number>): string | undefined {
  return Object.entries(scores).sort(([, a], [, b]) => b - a)[0]?.[0];
}

function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const exps = Array.from(logits, (value) => Math.exp(value - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

async function waitReady(server: RunningCli, key: string, names: string[]): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await Promise.all(
      names.map(
        async (name) =>
          (await server.call('inference', `/v2/models/${name}/ready`, { key })).json().ready,
      ),
    );
    if (ready.every(Boolean)) return;
    await sleep(50);
  }
  throw new Error(`models never became ready: ${names.join(', ')}`);
}

describe('inference through the real server', () => {
  let server: RunningCli;
  let key: string;
  const digitsSamples = join(examplesDir, 'digits', 'samples');

  before(async () => {
    const dir = makeWorkDir();
    const store = join(dir, 'store');
    await packExample(store, { name: 'iris', example: 'iris' });
    await packExample(store, { name: 'digits', example: 'digits' });
    await writeAddArchive(store, 'add');
    await writeAddArchive(store, 'probe', probe);
    server = await startCli({
      dir,
      config: {
        default_workers_per_model: '1',
        enable_model_api: 'true',
        unregister_model_timeout: '1',
      },
      args: ['--models', 'iris=iris-1.0.mar', 'digits=digits-1.0.mar', 'add.mar', 'probe.mar'],
    });
    key = server.keys().inference.key;
    await waitReady(server, key, ['iris', 'digits', 'add', 'probe']);
  });
  after(() => server.stop());

  it('classifies every digit sample as its file name says, matching ONNX Runtime run here', async () => {
    const session = await InferenceSession.create(join(examplesDir, 'digits', 'digits.onnx'));
    for (const file of readdirSync(digitsSamples).filter((name) => name.endsWith('.png'))) {
      const png = readFileSync(join(digitsSamples, file));
      const reply = await server.call('inference', '/predictions/digits', { key, body: png });
      assert.equal(reply.status, 200, reply.text);
      const scores = reply.json<Record<string, number>>();
      assert.equal(best(scores), file.split('_')[1], file);

      const pixels = await sharp(png).greyscale().raw().toBuffer();
      const input = Float32Array.from(pixels, (value) => (value / 255 - 0.156) / 0.2775);
      const result = await session.run({ input: new Tensor('float32', input, [1, 1, 28, 28]) });
      const expected = softmax(result.logits?.data as Float32Array);
      for (const [label, probability] of Object.entries(scores)) {
        assert.ok(
          Math.abs(probability - (expected[Number(label)] ?? NaN)) < TOLERANCE,
          `${file} ${label}`,
        );
      }
    }
  });

  it('answers a multipart batch in request order, as one by one', async () => {
    const files = readdirSync(digitsSamples)
      .filter((name) => name.endsWith('.png'))
      .slice(0, 3);
    const boundary = 'onnxserve-test-boundary';
    const parts = files.map((file) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="${file}"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        readFileSync(join(digitsSamples, file)),
        Buffer.from('\r\n'),
      ]),
    );
    const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
    const reply = await server.call('inference', '/predictions/digits', {
      key,
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(reply.status, 200, reply.text);
    const answers = reply.json<Record<string, number>[]>();
    assert.deepEqual(
      answers.map(best),
      files.map((file) => file.split('_')[1]),
    );
  });

  it('predicts iris rows as JSON and CSV, and through KServe v1', async () => {
    const split = JSON.parse(
      readFileSync(join(examplesDir, 'iris', 'test_split.json'), 'utf8'),
    ) as {
      samples: { features: number[]; label: number }[];
    };
    const labels = JSON.parse(
      readFileSync(join(examplesDir, 'iris', 'index_to_name.json'), 'utf8'),
    ) as Record<string, string>;
    const rows = split.samples.slice(0, 6);
    const json = await server.call('inference', '/predictions/iris', {
      key,
      body: JSON.stringify(rows.map((row) => row.features)),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(json.status, 200, json.text);
    const top = json.json<Record<string, number>[]>().map(best);
    const correct = top.filter(
      (label, index) => label === labels[String(rows[index]?.label)],
    ).length;
    assert.ok(correct >= 5, `${correct} of 6 right`);

    const session = await InferenceSession.create(join(examplesDir, 'iris', 'iris.onnx'));
    const features = Float32Array.from(rows.flatMap((row) => row.features));
    const logits = (await session.run({ input: new Tensor('float32', features, [rows.length, 4]) }))
      .logits?.data as Float32Array;
    json.json<Record<string, number>[]>().forEach((scores, row) => {
      const expected = softmax(logits.slice(row * 3, row * 3 + 3));
      for (const [index, label] of Object.entries(labels)) {
        assert.ok(
          Math.abs((scores[label] ?? NaN) - (expected[Number(index)] ?? NaN)) < TOLERANCE,
          `row ${row} ${label}`,
        );
      }
    });

    const csv = await server.call('inference', '/predictions/iris', {
      key,
      body: rows.map((row) => row.features.join(',')).join('\n'),
      headers: { 'content-type': 'text/csv' },
    });
    assert.deepEqual(csv.json(), json.json());

    const v1 = await server.call('inference', '/v1/models/iris:predict', {
      key,
      body: JSON.stringify({ instances: rows.map((row) => row.features) }),
    });
    assert.deepEqual(v1.json(), { predictions: json.json() });
  });

  it('speaks the Open Inference Protocol tensor format, and its shorthand', async () => {
    const body = {
      id: 'req-1',
      inputs: [
        { name: 'a', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
        {
          name: 'b',
          shape: [2, 3],
          datatype: 'FP32',
          data: [
            [10, 20, 30],
            [40, 50, 60],
          ],
        },
      ],
    };
    const reply = await server.call('inference', '/v2/models/add/infer', {
      key,
      body: JSON.stringify(body),
    });
    assert.equal(reply.status, 200, reply.text);
    const answer = reply.json<{
      id: string;
      model_name: string;
      outputs: { name: string; shape: number[]; datatype: string; data: number[] }[];
    }>();
    assert.equal(answer.id, 'req-1');
    assert.equal(answer.model_name, 'add');
    assert.deepEqual(answer.outputs, [
      { name: 'sum', shape: [2, 3], datatype: 'FP32', data: [11, 22, 33, 44, 55, 66] },
    ]);

    const shorthand = await server.call('inference', '/predictions/add', {
      key,
      body: JSON.stringify({ a: [[1, 1, 1]], b: [[2, 2, 2]] }),
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual(shorthand.json<typeof answer>().outputs[0]?.data, [3, 3, 3]);

    const metadata = (await server.call('inference', '/v2/models/add', { key })).json();
    assert.deepEqual(metadata.inputs, [
      { name: 'a', datatype: 'FP32', shape: [-1, 3] },
      { name: 'b', datatype: 'FP32', shape: [-1, 3] },
    ]);
  });

  it('takes and gives binary tensor data (Open Inference Protocol extension) as JSON would', async () => {
    const shape = [2, 3];
    const values = [
      Float32Array.of(1.5, -2, 3e-3, 4, 5, 6),
      Float32Array.of(0.1, 20, 30, 40, -50, 6e7),
    ];
    const [a = [], b = []] = values.map((data) => Array.from(data));
    const json = await server.call('inference', '/v2/models/add/infer', {
      key,
      body: JSON.stringify({
        inputs: [
          { name: 'a', shape, datatype: 'FP32', data: a },
          { name: 'b', shape, datatype: 'FP32', data: b },
        ],
      }),
    });
    assert.equal(json.status, 200, json.text);
    const expected = json.json<{ outputs: { data: number[] }[] }>().outputs[0]?.data;

    const header = Buffer.from(
      JSON.stringify({
        inputs: ['a', 'b'].map((name) => ({
          name,
          shape,
          datatype: 'FP32',
          parameters: { binary_data_size: 24 },
        })),
        parameters: { binary_data_output: true },
      }),
    );
    const reply = await fetch(`${server.urls.inference}/v2/models/add/infer`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'Content-Type': 'application/octet-stream',
        'Inference-Header-Content-Length': String(header.byteLength),
      },
      body: Buffer.concat([header, ...values.map((data) => Buffer.from(data.buffer))]),
    });
    const body = Buffer.from(await reply.arrayBuffer());
    assert.equal(reply.status, 200, body.toString());
    assert.match(reply.headers.get('content-type') ?? '', /^application\/octet-stream/);
    const length = Number(reply.headers.get('inference-header-content-length'));
    const answer = JSON.parse(body.subarray(0, length).toString('utf8')) as { outputs: unknown[] };
    assert.deepEqual(answer.outputs, [
      { name: 'sum', shape, datatype: 'FP32', parameters: { binary_data_size: 24 } },
    ]);
    assert.equal(body.byteLength, length + 24);
    const sums = new Float32Array(new Uint8Array(body.subarray(length)).buffer);
    assert.deepEqual(Array.from(sums), expected);
  });

  it('answers malformed input with a 400 that names the input, and keeps serving', async () => {
    const bad: [string, string, RegExp][] = [
      ['/v2/models/add/infer', '{not json', /JSON/],
      [
        '/v2/models/add/infer',
        JSON.stringify({
          inputs: [{ name: 'a', shape: [1, 3], datatype: 'INT64', data: [1, 2, 3] }],
        }),
        /'a' must be FP32/,
      ],
      [
        '/v2/models/add/infer',
        JSON.stringify({
          inputs: [{ name: 'a', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }],
        }),
        /'b'/,
      ],
      [
        '/v2/models/add/infer',
        JSON.stringify({
          inputs: [
            { name: 'a', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] },
            { name: 'b', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] },
          ],
        }),
        /'a'/,
      ],
      ['/predictions/digits', 'not an image', /image/i],
      ['/predictions/iris', '[1, 2, 3]', /4/],
    ];
    for (const [path, body, message] of bad) {
      const reply = await server.call('inference', path, {
        key,
        body,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(reply.status, 400, `${path} ${body}: ${reply.text}`);
      assert.equal(reply.json().type, 'BadRequestException');
      assert.match(String(reply.json().message), message, path);
    }
    const healthy = await server.call('inference', '/predictions/add', {
      key,
      body: JSON.stringify({ a: [[0, 0, 0]], b: [[1, 1, 1]] }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(healthy.status, 200);
  });

  it('never shows the Authorization header to handler code', async () => {
    const reply = await server.call('inference', '/predictions/probe', {
      key,
      body: 'hello',
      headers: { 'x-trace': '1' },
    });
    assert.equal(reply.status, 200, reply.text);
    const answer = reply.json<{ sum: number[]; headers: string[] }>();
    assert.deepEqual(answer.sum, [11, 22, 33]);
    assert.ok(answer.headers.includes('x-trace'));
    assert.ok(!answer.headers.includes('authorization'));
  });

  it("turns a custom handler's errors into that request's 500 or its own status", async () => {
    const failed = await server.call('inference', '/predictions/probe', { key, body: 'fail' });
    assert.equal(failed.status, 500);
    assert.match(String(failed.json().message), /broken on purpose/);
    const busy = await server.call('inference', '/predictions/probe', { key, body: 'busy' });
    assert.equal(busy.status, 503);
    assert.match(String(busy.json().message), /try again later/);
    const fine = await server.call('inference', '/predictions/probe', { key, body: 'ok' });
    assert.equal(fine.status, 200, 'the worker survived both');
  });

  it('answers 500 "Worker died." when a worker dies mid-request, then a replacement serves', async () => {
    const died = await server.call('inference', '/predictions/probe', { key, body: 'die' });
    assert.equal(died.status, 500);
    assert.deepEqual(died.json(), {
      code: 500,
      type: 'InternalServerException',
      message: 'Worker died.',
    });
    const management = server.keys().management.key;
    for (let attempt = 0; attempt < 100; attempt++) {
      const reply = await server.call('inference', '/predictions/probe', { key, body: 'live' });
      if (reply.status === 200) {
        const [described] = (
          await server.call('management', '/models/probe', { key: management })
        ).json<{ workers: { status: string }[] }[]>();
        assert.ok(described?.workers.some((worker) => worker.status === 'READY'));
        return;
      }
      await sleep(100);
    }
    assert.fail('no replacement worker served within 10 s');
  });

  it('answers 503 when a model has no workers', async () => {
    const management = server.keys().management.key;
    const scaled = await server.call(
      'management',
      '/models/add?min_worker=0&max_worker=0&synchronous=true',
      { method: 'PUT', key: management },
    );
    assert.equal(scaled.status, 200);
    const reply = await server.call('inference', '/predictions/add', { key, body: '{}' });
    assert.equal(reply.status, 503);
    assert.match(
      String(reply.json().message),
      /^Model "add" has no worker to serve inference request/,
    );
  });

  it('answers 408 when a busy worker outlives unregister_model_timeout, and the request still settles', async () => {
    const hung = server.call('inference', '/predictions/probe', { key, body: 'hang' });
    await sleep(300);
    const management = server.keys().management.key;
    const reply = await server.call('management', '/models/probe', {
      method: 'DELETE',
      key: management,
    });
    assert.deepEqual(reply.json(), {
      code: 408,
      type: 'RequestTimeoutException',
      message: 'Timed out while cleaning resources: probe',
    });
    assert.ok((await hung).status >= 200, 'the request in flight got an answer');
    assert.equal(
      (await server.call('management', '/models/probe', { key: management })).status,
      404,
    );
  });
});
