import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { exampleDir } from '../../test/fixtures/handlers/fixtures.js';
import { fixturePath } from '../../test/fixtures/models/fixtures.js';
import {
  bodyRequest,
  exampleHandlerConfig,
  failureOf,
  handlerPool,
  jsonRequest,
  responseText,
} from './pool-fixtures.js';
import type { WorkerPool } from './pool.js';

/** How far an MLP output may be from its double-precision recomputation: absolute + relative. */
const mlpTolerance = { absolute: 1e-5, relative: 1e-5 };

interface TensorOutput {
  name: string;
  shape: number[];
  datatype: string;
  data: number[];
}

interface TensorAnswer {
  model_name: string;
  model_version: string;
  id: string;
  outputs: TensorOutput[];
}

const pools: WorkerPool[] = [];

after(() => Promise.all(pools.map((pool) => pool.close(10_000))));

async function started(pool: WorkerPool): Promise<WorkerPool> {
  pools.push(pool);
  await pool.scale(1);
  return pool;
}

function tensorAnswer(result: Parameters<typeof responseText>[0]): TensorAnswer {
  return JSON.parse(responseText(result)) as TensorAnswer;
}

/** float32 addition, as the model computes it. */
function sums(a: number[], b: number[]): number[] {
  return a.map((x, i) => Math.fround(Math.fround(x) + Math.fround(b[i] ?? 0)));
}

describe('tabular on iris', () => {
  const iris = exampleDir('iris');
  const split = JSON.parse(readFileSync(join(iris, 'test_split.json'), 'utf8')) as {
    feature_names: string[];
    samples: { features: number[]; label: number }[];
  };
  const species = ['setosa', 'versicolor', 'virginica'];
  const pool = handlerPool({
    modelPath: join(iris, 'iris.onnx'),
    handler: { kind: 'builtin', name: 'tabular' },
    config: exampleHandlerConfig(iris),
  });
  const topLabels = (text: string): string[] =>
    (JSON.parse(text) as Record<string, number>[]).map(
      (scores) => Object.entries(scores).sort(([, a], [, b]) => b - a)[0]?.[0] ?? '',
    );

  test('classifies the held-out rows sent as JSON and as CSV alike', async () => {
    await started(pool);
    const rows = split.samples.map((sample) => sample.features);
    const csv = [split.feature_names.join(','), ...rows.map((row) => row.join(','))].join('\n');
    const [json, table] = await pool.runBatch([jsonRequest(rows), bodyRequest(csv, 'text/csv')]);
    const predicted = topLabels(responseText(json));
    assert.deepEqual(topLabels(responseText(table)), predicted);
    const correct = predicted.filter(
      (label, i) => label === species[split.samples[i]?.label ?? -1],
    );
    assert.ok(correct.length >= 44, `${correct.length} of 45 correct; the README measured 44`);
  });

  test('answers one vector or one named row with one object', async () => {
    const [sample] = split.samples;
    assert.ok(sample !== undefined);
    const named = Object.fromEntries(split.feature_names.map((n, i) => [n, sample.features[i]]));
    const [vector, byName] = await pool.runBatch([
      jsonRequest(sample.features),
      jsonRequest(named),
    ]);
    const answer = JSON.parse(responseText(vector)) as Record<string, number>;
    assert.deepEqual(Object.keys(answer), ['virginica', 'versicolor', 'setosa']);
    assert.equal(responseText(byName), responseText(vector));
  });

  test('fails a row with the wrong feature count alone, naming expected and got', async () => {
    const [bad, good] = await pool.runBatch([
      jsonRequest([5.1, 3.5, 1.4]),
      jsonRequest([5.1, 3.5, 1.4, 0.2]),
    ]);
    const failure = failureOf(bad);
    assert.equal(failure.name, 'RangeError');
    assert.equal(
      failure.message,
      "Row 1 of input 'body' has 3 features; the model expects 4 (sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm).",
    );
    assert.match(responseText(good), /"setosa": 0\.9/);
  });
});

describe('tensor on add.onnx and mlp.onnx', () => {
  const add = handlerPool({ modelPath: fixturePath('add.onnx'), handler: undefined });
  const mlp = handlerPool({ modelPath: fixturePath('mlp.onnx'), handler: undefined });

  test('answers full and shorthand requests stacked in one job, each with its own rows', async () => {
    await started(add);
    const a = [1.5, -2, 3.25, 0.1, 0.2, 0.3];
    const b = [10, 20, 30, -0.1, -0.2, 1e-8];
    const full = {
      id: 'first',
      inputs: [
        { name: 'a', shape: [2, 3], datatype: 'FP32', data: [a.slice(0, 3), a.slice(3)] },
        { name: 'b', shape: [2, 3], datatype: 'FP32', data: b },
      ],
    };
    const shorthand = { a: [[7, 8, 9]], b: [[0.5, 0.25, 0.125]] };
    const [first, second] = (await add.runBatch([jsonRequest(full), jsonRequest(shorthand)])).map(
      tensorAnswer,
    );
    assert.deepEqual(first, {
      model_name: 'add',
      model_version: '1.0',
      id: 'first',
      outputs: [{ name: 'sum', shape: [2, 3], datatype: 'FP32', data: sums(a, b) }],
    });
    assert.deepEqual(second?.outputs[0]?.data, sums([7, 8, 9], [0.5, 0.25, 0.125]));
    assert.deepEqual(second?.outputs[0]?.shape, [1, 3]);
  });

  test('fails each malformed request alone with a TypeError or RangeError', async () => {
    const good = { a: [[1, 2, 3]], b: [[4, 5, 6]] };
    const wrongType = {
      inputs: [
        { name: 'a', shape: [1, 3], datatype: 'INT64', data: [1, 2, 3] },
        { name: 'b', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
      ],
    };
    const results = await add.runBatch([
      jsonRequest(wrongType),
      jsonRequest(good),
      jsonRequest({ a: [[1, 2, 3, 4]], b: [[1, 2, 3, 4]] }),
      jsonRequest({ a: [[1, 2, 3]] }),
      bodyRequest('{"a": [[1, 2, 3]],'),
    ]);
    const expected = [
      ['TypeError', "Input 'a' must be FP32, got INT64."],
      ['RangeError', "Input 'a' must have shape [batch, 3], got [1, 4]."],
      ['TypeError', "Missing input 'b'; the model takes 'a', 'b'."],
      ['TypeError', /^Input 'body' must be JSON: /],
    ] as const;
    [results[0], ...results.slice(2)].forEach((result, index) => {
      const [name, message] = expected[index] ?? [];
      const failure = failureOf(result);
      assert.equal(failure.name, name);
      if (typeof message === 'string') assert.equal(failure.message, message);
      else assert.match(failure.message, message as RegExp);
    });
    assert.deepEqual(tensorAnswer(results[1]).outputs[0]?.data, [5, 7, 9]);
  });

  test('runs the MLP on stacked requests matching a JavaScript recomputation', async () => {
    await started(mlp);
    const rows = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => Math.sin(r * 4 + c) * 2));
    const results = await mlp.runBatch(rows.map((row) => jsonRequest({ x: [row] })));
    const expected = mlpReference(rows);
    results.forEach((result, index) => {
      const output = tensorAnswer(result).outputs[0];
      assert.deepEqual(output?.shape, [1, 2]);
      output?.data.forEach((got, column) => {
        const want = expected[index]?.[column] ?? Number.NaN;
        const limit = mlpTolerance.absolute + mlpTolerance.relative * Math.abs(want);
        assert.ok(Math.abs(got - want) <= limit, `row ${index}: ${got} vs ${want}`);
      });
    });
  });
});

interface MlpWeights {
  w1: number[][];
  b1: number[];
  w2: number[][];
  b2: number[];
}

function mlpReference(rows: number[][]): number[][] {
  const weights = JSON.parse(readFileSync(fixturePath('mlp.json'), 'utf8')) as MlpWeights;
  const affine = (input: number[][], w: number[][], b: number[]): number[][] =>
    input.map((row) =>
      b.map((bias, j) => row.reduce((sum, x, k) => sum + x * (w[k]?.[j] ?? 0), bias)),
    );
  const hidden = affine(rows, weights.w1, weights.b1).map((row) => row.map((x) => Math.max(0, x)));
  return affine(hidden, weights.w2, weights.b2);
}
