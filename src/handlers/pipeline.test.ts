import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tensor, TensorInfo } from '../engine/index.js';
import { HandlerError } from './errors.js';
import type { HandlerContext, HandlerRequest, RunModel, StagedHandler } from './handler.js';
import { handleBatch, type Outcome } from './pipeline.js';

const inputs: TensorInfo[] = [{ name: 'x', type: 'float32', shape: ['batch', -1] }];

function contextFor(modelInputs: readonly TensorInfo[] = inputs): HandlerContext {
  return {
    modelName: 'm',
    modelVersion: '1.0',
    modelDir: '.',
    inputs: modelInputs,
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', -1] }],
    config: {},
    batchSize: 8,
  };
}

function request(text: string, explain = false): HandlerRequest {
  return {
    requestId: text,
    inputs: [{ name: 'body', data: new TextEncoder().encode(text) }],
    headers: {},
    explain,
  };
}

/** Reads "r1,r2;…" rows of numbers into x; "bad" fails preprocessing. */
const rowsHandler: StagedHandler = {
  preprocess(req) {
    const text = new TextDecoder().decode(req.inputs[0]?.data);
    if (text === 'bad') throw new RangeError("Input 'body' is bad.");
    const rows = text.split(';').map((row) => row.split(',').map(Number));
    const data = Float32Array.from(rows.flat());
    return { x: { type: 'float32', dims: [rows.length, rows[0]?.length ?? 0], data } };
  },
  postprocess(outputs) {
    const y = outputs.y as Tensor;
    return { body: `${y.dims.join('x')}:${[...y.data].join(',')}` };
  },
};

/** Doubles x; refuses a run holding a negative number, as a model rejects some values. */
function doubler(): { run: RunModel; sizes: number[] } {
  const sizes: number[] = [];
  const run: RunModel = (feeds) => {
    const x = feeds.x as Extract<Tensor, { type: 'float32' }>;
    sizes.push(x.dims[0] ?? 0);
    if (x.data.some((v) => v < 0)) return Promise.reject(new RangeError('negative input'));
    return Promise.resolve({
      y: { type: 'float32', dims: x.dims, data: x.data.map((v) => v * 2) },
    });
  };
  return { run, sizes };
}

function bodies(outcomes: Outcome[]): (string | Error)[] {
  return outcomes.map((outcome) =>
    outcome.ok ? String(outcome.value.body) : (outcome.error as Error),
  );
}

describe('handleBatch', () => {
  test('stacks compatible requests into one run and gives each its own rows', async () => {
    const { run, sizes } = doubler();
    const requests = ['1,2', '3,4;5,6', '7,8,9', '10,11'].map((text) => request(text));
    const outcomes = await handleBatch(rowsHandler, contextFor(), requests, run);
    assert.deepEqual(bodies(outcomes), ['1x2:2,4', '2x2:6,8,10,12', '1x3:14,16,18', '1x2:20,22']);
    assert.deepEqual(sizes, [4, 1], 'the three two-column requests in one run, the other alone');
  });

  test('fails a request alone when it fails to preprocess or fails the shared run', async () => {
    const { run, sizes } = doubler();
    const requests = ['1,2', 'bad', '-1,0', '3,4'].map((text) => request(text));
    const [first, bad, negative, last] = bodies(
      await handleBatch(rowsHandler, contextFor(), requests, run),
    );
    assert.deepEqual([first, last], ['1x2:2,4', '1x2:6,8']);
    assert.ok(bad instanceof RangeError && /Input 'body' is bad/.test(bad.message));
    assert.ok(negative instanceof RangeError && negative.message === 'negative input');
    assert.deepEqual(sizes, [3, 1, 1, 1], 'the shared run failed, so each ran alone');
  });

  test('waits for steps that answer later, and fails alone a request whose step rejects', async () => {
    const later: StagedHandler = {
      preprocess: async (req, context) => rowsHandler.preprocess(req, context),
      postprocess: async (outputs, req, context) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return rowsHandler.postprocess(outputs, req, context);
      },
    };
    const { run, sizes } = doubler();
    const requests = ['1,2', 'bad', '3,4'].map((text) => request(text));
    const [first, bad, last] = bodies(await handleBatch(later, contextFor(), requests, run));
    assert.deepEqual([first, last], ['1x2:2,4', '1x2:6,8']);
    assert.ok(bad instanceof RangeError && /Input 'body' is bad/.test(bad.message));
    assert.deepEqual(sizes, [2]);
  });

  test("waits for a step that returns another library's promise, as await would", async () => {
    const thenable = <T>(value: T): PromiseLike<T> => ({
      then: (resolve, reject) => Promise.resolve(value).then(resolve, reject),
    });
    const foreign: StagedHandler = {
      preprocess: (req, context) => thenable(rowsHandler.preprocess(req, context)) as never,
      postprocess: (outputs, req, context) =>
        thenable(rowsHandler.postprocess(outputs, req, context)) as never,
    };
    const { run } = doubler();
    const outcomes = await handleBatch(foreign, contextFor(), [request('1,2')], run);
    assert.deepEqual(bodies(outcomes), ['1x2:2,4']);
  });

  test('runs each request alone for a model without a batch dimension', async () => {
    const { run, sizes } = doubler();
    const fixed: TensorInfo[] = [{ name: 'x', type: 'float32', shape: [1, 2] }];
    await handleBatch(rowsHandler, contextFor(fixed), [request('1,2'), request('3,4')], run);
    assert.deepEqual(sizes, [1, 1]);
  });

  test('explains alone, and refuses to explain without an explain step', async () => {
    const { run } = doubler();
    const explaining: StagedHandler = {
      ...rowsHandler,
      explain: async (req, _context, runModel) => {
        const outputs = await runModel(await rowsHandler.preprocess(req, contextFor()));
        return { body: `explained ${[...(outputs.y as Tensor).data].join(',')}` };
      },
    };
    const requests = [request('1,2'), request('3,4', true)];
    assert.deepEqual(bodies(await handleBatch(explaining, contextFor(), requests, run)), [
      '1x2:2,4',
      'explained 6,8',
    ]);
    const [, refused] = bodies(await handleBatch(rowsHandler, contextFor(), requests, run));
    assert.ok(refused instanceof TypeError);
    assert.equal(refused.message, "Model 'm' has no explanations: its handler cannot explain.");
  });

  test('hands a whole batch to an entry point and checks its count', async () => {
    const { run } = doubler();
    const requests = [request('a'), request('b')];
    const entry = (answers: (string | Error)[]) => ({
      handle: () => Promise.resolve(answers.map((a) => (a instanceof Error ? a : { body: a }))),
    });
    const mixed = bodies(
      await handleBatch(entry(['ok', new Error('no')]), contextFor(), requests, run),
    );
    assert.equal(mixed[0], 'ok');
    assert.equal((mixed[1] as Error).message, 'no');
    const short = bodies(await handleBatch(entry(['only one']), contextFor(), requests, run));
    for (const failure of short) {
      assert.ok(failure instanceof HandlerError);
      assert.deepEqual(
        [failure.status, failure.message],
        [503, 'number of batch response mismatched'],
      );
    }
  });
});
