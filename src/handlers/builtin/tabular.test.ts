import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import { exampleDir } from '../../../test/fixtures/handlers/fixtures.js';
import { fixturePath } from '../../../test/fixtures/models/fixtures.js';
import type { TensorInfo } from '../../engine/index.js';
import type { HandlerContext, HandlerRequest, StagedHandler } from '../handler.js';
import { createTabularHandler } from './tabular.js';
import { csvRows, jsonRows } from './tabular-rows.js';

const names = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'];
const irisInput: TensorInfo = { name: 'input', type: 'float32', shape: ['batch', 4] };

function contextFor(
  config: Record<string, unknown>,
  modelDir = exampleDir('iris'),
): HandlerContext {
  return {
    modelName: 'iris',
    modelVersion: '1.0',
    modelDir,
    inputs: [irisInput],
    outputs: [{ name: 'logits', type: 'float32', shape: ['batch', 3] }],
    config,
    batchSize: 1,
  };
}

async function tabular(context: HandlerContext): Promise<StagedHandler> {
  const handler = createTabularHandler();
  await handler.initialize?.(context);
  return handler;
}

function request(body: string, contentType?: string): HandlerRequest {
  const data = new TextEncoder().encode(body);
  return {
    requestId: '1',
    inputs: [{ name: 'body', data, ...(contentType && { contentType }) }],
    headers: {},
  };
}

describe('tabular rows', () => {
  test('read vectors, lists of vectors, named features and lists of them', () => {
    assert.deepEqual(jsonRows([1, 2, 3, 4], names, 'body'), { rows: [[1, 2, 3, 4]], single: true });
    assert.deepEqual(
      jsonRows(
        [
          [1, 2],
          [3, 4],
        ],
        undefined,
        'body',
      ),
      {
        rows: [
          [1, 2],
          [3, 4],
        ],
        single: false,
      },
    );
    const named = { petal_width_cm: 4, sepal_length_cm: 1, petal_length_cm: 3, sepal_width_cm: 2 };
    assert.deepEqual(jsonRows(named, names, 'body'), { rows: [[1, 2, 3, 4]], single: true });
    assert.deepEqual(jsonRows([named, named], names, 'body').rows, [
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
  });

  test('read CSV with or without a header, putting named columns in order', () => {
    const header = 'petal_width_cm, sepal_length_cm,"petal_length_cm",sepal_width_cm';
    assert.deepEqual(csvRows(`${header}\r\n4,1,3,2\n\n8,5,7,6\n`, names, 'body').rows, [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    assert.deepEqual(csvRows('1,2\n3,4', undefined, 'body').rows, [
      [1, 2],
      [3, 4],
    ]);
  });

  test('refuse what is not numeric features, naming the row and feature', () => {
    const refuse = (read: () => unknown, message: string | RegExp) =>
      assert.throws(read, { name: 'TypeError', message });
    refuse(
      () => jsonRows({ a: 1 }, undefined, 'body'),
      "Row 1 of input 'body' names its features, but the model config sets no handler.feature_names.",
    );
    refuse(
      () => jsonRows({ petals: 1 }, names, 'body'),
      "Row 1 of input 'body' has unknown feature 'petals'; the model takes sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm.",
    );
    refuse(
      () => jsonRows([{ sepal_length_cm: 1 }], names, 'body'),
      "Row 1 of input 'body' lacks feature 'sepal_width_cm'.",
    );
    refuse(
      () => jsonRows([[1, '2']], names, 'body'),
      `Row 1 of input 'body': feature 2 must be a number, got "2".`,
    );
    refuse(() => jsonRows('1,2', names, 'body'), /^Input 'body' must be a feature list/);
    refuse(
      () => csvRows('1,2\n3,x', undefined, 'body'),
      `Line 2, column 2 of input 'body' must be a number, got "x".`,
    );
    refuse(
      () => csvRows('a,b,c,d\n1,2,3,4', names, 'body'),
      /^The CSV header of input 'body' must name the features sepal_length_cm, /,
    );
    refuse(() => csvRows(names.join(','), names, 'body'), "Input 'body' has no CSV rows.");
  });
});

describe('tabular handler', () => {
  const logits = {
    logits: { type: 'float32', dims: [1, 3], data: Float32Array.from([0, 2, 1]) },
  } as const;

  test('builds a [rows, features] float input from JSON or CSV', async () => {
    const context = contextFor({ feature_names: names });
    const handler = await tabular(context);
    const fromCsv = await handler.preprocess(
      request('1,2,3,4\n5,6,7,8', 'text/csv; charset=utf-8'),
      context,
    );
    assert.deepEqual(fromCsv.input, {
      type: 'float32',
      dims: [2, 4],
      data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    });
    assert.throws(() => handler.preprocess(request('[[1, 2, 3]]'), context), {
      name: 'RangeError',
      message:
        "Row 1 of input 'body' has 3 features; the model expects 4 (sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm).",
    });
    assert.throws(() => handler.preprocess(request('sepal_length_cm=1'), context), {
      name: 'TypeError',
      message: /^Input 'body' must be JSON/,
    });
  });

  test('answers labels by probability with softmax, or raw scores without labels', async () => {
    const labelled = contextFor({ softmax: true, topk: 2 });
    const withLabels = await tabular(labelled);
    const one = request('[1, 2, 3, 4]');
    await withLabels.preprocess(one, labelled);
    const body = String((await withLabels.postprocess({ ...logits }, one, labelled)).body);
    assert.deepEqual(
      [...body.matchAll(/"(\w+)":/g)].map((match) => match[1]),
      ['versicolor', 'virginica'],
    );
    const unlabelled = contextFor({}, dirname(fixturePath('mlp.onnx')));
    const raw = await tabular(unlabelled);
    const list = request('[[1, 2, 3, 4]]');
    await raw.preprocess(list, unlabelled);
    assert.equal(
      String((await raw.postprocess({ ...logits }, list, unlabelled)).body),
      '[\n  [\n    0,\n    2,\n    1\n  ]\n]',
    );
  });

  test('refuses feature names that disagree with the model', async () => {
    await assert.rejects(tabular(contextFor({ feature_names: ['a', 'b'] })), {
      message: "handler.feature_names lists 2 features but input 'input' takes 4.",
    });
  });
});
