import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exampleDir } from '../../test/fixtures/handlers/fixtures.js';
import type { HandlerRequest } from '../handlers/index.js';
import {
  exampleHandlerConfig,
  failureOf,
  handlerPool,
  requestOf,
  responseText,
} from './pool-fixtures.js';
import type { WorkerPool } from './pool.js';

/** Probabilities from two jobs agree this closely: float32 logits, softmax in doubles. */
const tolerance = 1e-5;

const digits = exampleDir('digits');
const samples = readdirSync(join(digits, 'samples'))
  .filter((file) => file.endsWith('.png'))
  .sort()
  .map((file) => ({ file, label: /^digit_(\d)_/.exec(file)?.[1] ?? '?' }));

let pool: WorkerPool;

before(async () => {
  pool = handlerPool({
    modelPath: join(digits, 'digits.onnx'),
    handler: { kind: 'builtin', name: 'image_classifier' },
    config: exampleHandlerConfig(digits),
  });
  await pool.scale(1);
});

after(() => pool.close(10_000));

function imageRequest(...files: string[]): HandlerRequest {
  return requestOf(
    ...files.map((file) => ({
      name: 'data',
      data: new Uint8Array(readFileSync(join(digits, 'samples', file))),
      contentType: 'image/png',
      fileName: file,
    })),
  );
}

/** `"label": probability` pairs in the order the response lists them. */
function rankedPairs(text: string): [string, number][] {
  return [...text.matchAll(/^ +"([^"]+)": ([^,\n]+),?$/gm)].map(([, label = '', value = '']) => [
    label,
    Number(value),
  ]);
}

async function classifyOneByOne(): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  for (const { file } of samples) {
    const [result] = await pool.runBatch([imageRequest(file)]);
    answers.set(file, responseText(result));
  }
  return answers;
}

function assertSameScores(actual: string, expected: string): void {
  const got = rankedPairs(actual);
  const want = new Map(rankedPairs(expected));
  assert.equal(got.length, want.size);
  for (const [label, probability] of got) {
    const other = want.get(label) ?? Number.NaN;
    assert.ok(Math.abs(probability - other) <= tolerance, `${label}: ${probability} vs ${other}`);
  }
}

test('classifies each sample PNG as the digit in its name', async () => {
  assert.equal(samples.length, 10);
  for (const { file, label } of samples) {
    const [result] = await pool.runBatch([imageRequest(file)]);
    const text = responseText(result);
    assert.equal(
      result && !(result instanceof Error) ? result.contentType : '',
      'application/json',
    );
    assert.match(text, /^\{\n {2}"\d": /, 'a 2-space indented object');
    const pairs = rankedPairs(text);
    assert.equal(pairs.length, 5, 'topk 5');
    assert.equal(pairs[0]?.[0], label, `${file}: ${text}`);
    assert.ok((pairs[0]?.[1] ?? 0) > 0.5, `${file}: top-1 ${pairs[0]?.[1]}`);
    const probabilities = pairs.map(([, probability]) => probability);
    assert.deepEqual(
      probabilities,
      [...probabilities].sort((a, b) => b - a),
      'descending',
    );
  }
});

test('a batch of requests in one job answers as the requests one by one', async () => {
  const single = await classifyOneByOne();
  const results = await pool.runBatch(samples.map(({ file }) => imageRequest(file)));
  assert.equal(results.length, samples.length);
  results.forEach((result, index) => {
    const file = samples[index]?.file ?? '';
    assertSameScores(responseText(result), single.get(file) ?? '');
  });
});

test('several files under one name are a batch within the request, answered as a list', async () => {
  const [first, second] = samples;
  assert.ok(first !== undefined && second !== undefined);
  const [result] = await pool.runBatch([imageRequest(first.file, second.file)]);
  const answer = JSON.parse(responseText(result)) as Record<string, number>[];
  assert.equal(answer.length, 2);
  const [one] = await pool.runBatch([imageRequest(first.file)]);
  const alone = JSON.parse(responseText(one)) as Record<string, number>;
  for (const [label, probability] of Object.entries(alone)) {
    assert.ok(Math.abs((answer[0]?.[label] ?? Number.NaN) - probability) <= tolerance);
  }
  assert.ok((answer[1]?.[second.label] ?? 0) > 0.5);
});

test('bytes that are no image fail their request alone', async () => {
  const garbage = requestOf({ name: 'data', data: new TextEncoder().encode('not an image') });
  const files = [samples[3]?.file ?? '', samples[4]?.file ?? ''];
  const results = await pool.runBatch([
    imageRequest(files[0] ?? ''),
    garbage,
    imageRequest(files[1] ?? ''),
  ]);
  const failure = failureOf(results[1]);
  assert.equal(failure.name, 'TypeError');
  assert.match(failure.message, /^Input 'data' must be a JPEG, PNG or WebP image/);
  assert.equal(rankedPairs(responseText(results[0]))[0]?.[0], '3');
  assert.equal(rankedPairs(responseText(results[2]))[0]?.[0], '4');
});
