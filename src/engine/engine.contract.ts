import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixturePath } from '../../test/fixtures/models/fixtures.js';
import type { Engine, ModelSession, Tensor } from './engine.js';

/** How far a float output may be from its double-precision recomputation: absolute + relative. */
const tolerance = { absolute: 1e-5, relative: 1e-5 };

interface MlpWeights {
  w1: number[][];
  b1: number[];
  w2: number[][];
  b2: number[];
}

function float32(dims: number[], values: number[]): Tensor {
  return { type: 'float32', dims, data: Float32Array.from(values) };
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((want, index) => {
    const got = actual[index] ?? Number.NaN;
    const limit = tolerance.absolute + tolerance.relative * Math.abs(want);
    assert.ok(
      Math.abs(got - want) <= limit,
      `element ${index}: ${got} is not within ${limit} of ${want}`,
    );
  });
}

/** Matrix product plus bias, row by row, in doubles. */
function affine(rows: number[][], weights: number[][], bias: number[]): number[][] {
  return rows.map((row) =>
    bias.map((b, column) => row.reduce((sum, x, k) => sum + x * (weights[k]?.[column] ?? 0), b)),
  );
}

function mlpReference(rows: number[][]): number[] {
  const weights = JSON.parse(readFileSync(fixturePath('mlp.json'), 'utf8')) as MlpWeights;
  const hidden = affine(rows, weights.w1, weights.b1).map((row) => row.map((x) => Math.max(0, x)));
  return affine(hidden, weights.w2, weights.b2).flat();
}

async function withSession(
  engine: Engine,
  model: string,
  use: (session: ModelSession) => void | Promise<void>,
): Promise<void> {
  const session = await engine.load(fixturePath(model), { intraOpThreads: 1 });
  try {
    await use(session);
  } finally {
    await session.dispose();
  }
}

/** Registers the tests every `Engine` implementation must pass. */
export function engineContract(name: string, createEngine: () => Engine): void {
  describe(`${name} engine contract`, () => {
    registerMetadataTests(createEngine);
    registerRunTests(createEngine);
    registerInputErrorTests(createEngine);
    registerLifecycleTests(createEngine);
  });
}

function registerMetadataTests(createEngine: () => Engine): void {
  test('reads inputs and outputs with symbolic dimensions', async () => {
    await withSession(createEngine(), 'add.onnx', (session) => {
      assert.deepEqual(session.inputs, [
        { name: 'a', type: 'float32', shape: ['batch', 3] },
        { name: 'b', type: 'float32', shape: ['batch', 3] },
      ]);
      assert.deepEqual(session.outputs, [{ name: 'sum', type: 'float32', shape: ['batch', 3] }]);
    });
  });

  test('reads scalars, fixed sizes and unnamed dynamic dimensions', async () => {
    const engine = createEngine();
    await withSession(engine, 'spin.onnx', (session) => {
      assert.deepEqual(session.inputs, [
        { name: 'iterations', type: 'int64', shape: [] },
        { name: 'x', type: 'float32', shape: [256] },
      ]);
    });
    await withSession(engine, 'strings.onnx', (session) => {
      assert.deepEqual(session.outputs, [{ name: 'upper', type: 'string', shape: [-1] }]);
    });
  });
}

function registerRunTests(createEngine: () => Engine): void {
  test('adds float32 tensors for any batch size', async () => {
    await withSession(createEngine(), 'add.onnx', async (session) => {
      for (const batch of [1, 2, 5]) {
        const a = Array.from({ length: batch * 3 }, (_, i) => i * 0.5 - 1);
        const b = Array.from({ length: batch * 3 }, (_, i) => 10 - i * 0.25);
        const outputs = await session.run({ a: float32([batch, 3], a), b: float32([batch, 3], b) });
        const sum = outputs.sum;
        assert.equal(sum?.type, 'float32');
        assert.deepEqual(sum.dims, [batch, 3]);
        assertClose(
          sum.data,
          a.map((x, i) => x + (b[i] ?? 0)),
        );
      }
    });
  });

  test('runs an MLP matching a plain JavaScript recomputation', async () => {
    await withSession(createEngine(), 'mlp.onnx', async (session) => {
      for (const batch of [1, 3]) {
        const rows = Array.from({ length: batch }, (_, r) =>
          [0, 1, 2, 3].map((c) => Math.sin(r * 4 + c) * 2),
        );
        const outputs = await session.run({ x: float32([batch, 4], rows.flat()) });
        assert.deepEqual(outputs.y?.dims, [batch, 2]);
        assertClose(outputs.y?.data as Float32Array, mlpReference(rows));
      }
    });
  });

  test('keeps int64 values exact beyond 2^53', async () => {
    await withSession(createEngine(), 'int64-affine.onnx', async (session) => {
      const x = [2n ** 60n, 2n ** 60n - 1n, -7n, 5n, 2n ** 55n + 1n, 2n ** 55n];
      const outputs = await session.run({
        x: { type: 'int64', dims: [2, 3], data: BigInt64Array.from(x) },
      });
      assert.deepEqual(outputs.y, {
        type: 'int64',
        dims: [2, 3],
        data: BigInt64Array.from(x.map((v) => v * 3n + 1n)),
      });
      const largest = BigInt64Array.from([2n ** 60n, 2n ** 55n + 1n]);
      assert.deepEqual(outputs.largest, { type: 'int64', dims: [2], data: largest });
    });
  });

  test('passes bool tensors as 0 and 1 bytes', async () => {
    await withSession(createEngine(), 'logic.onnx', async (session) => {
      const p = Uint8Array.from([1, 1, 0, 0]);
      const q = Uint8Array.from([1, 0, 1, 0]);
      const outputs = await session.run({
        p: { type: 'bool', dims: [4], data: p },
        q: { type: 'bool', dims: [4], data: q },
      });
      assert.deepEqual(outputs.both, {
        type: 'bool',
        dims: [4],
        data: Uint8Array.from([1, 0, 0, 0]),
      });
      assert.deepEqual(outputs.not_p, {
        type: 'bool',
        dims: [4],
        data: Uint8Array.from([0, 0, 1, 1]),
      });
    });
  });

  test('passes string tensors', async () => {
    await withSession(createEngine(), 'strings.onnx', async (session) => {
      const outputs = await session.run({
        text: { type: 'string', dims: [3], data: ['onnx', 'Serve', 'a b'] },
      });
      assert.deepEqual(outputs.upper, {
        type: 'string',
        dims: [3],
        data: ['ONNX', 'SERVE', 'A B'],
      });
    });
  });
}

function registerInputErrorTests(createEngine: () => Engine): void {
  const three = float32([1, 3], [1, 2, 3]);

  test('rejects a wrong shape with a RangeError naming the input', async () => {
    await withSession(createEngine(), 'add.onnx', async (session) => {
      await assert.rejects(session.run({ a: float32([1, 4], [1, 2, 3, 4]), b: three }), {
        name: 'RangeError',
        message: "Input 'a' must have shape [batch, 3], got [1, 4].",
      });
      await assert.rejects(session.run({ a: float32([2, 3], [1, 2, 3, 4, 5, 6]), b: three }), {
        name: 'RangeError',
        message: /Input 'b' has batch=1 but input 'a' has batch=2/,
      });
      await assert.rejects(session.run({ a: float32([2, 3], [1, 2, 3]), b: three }), {
        name: 'RangeError',
        message: /Input 'a' has 3 elements but dims \[2, 3\] need 6/,
      });
    });
  });

  test('rejects a wrong dtype with a TypeError naming the input', async () => {
    await withSession(createEngine(), 'add.onnx', async (session) => {
      const doubles: Tensor = { type: 'float64', dims: [1, 3], data: Float64Array.from([1, 2, 3]) };
      await assert.rejects(session.run({ a: doubles, b: three }), {
        name: 'TypeError',
        message: "Input 'a' must be float32, got float64.",
      });
      const mislabelled = { type: 'float32', dims: [1, 3], data: [1, 2, 3] } as unknown as Tensor;
      await assert.rejects(session.run({ a: three, b: mislabelled }), {
        name: 'TypeError',
        message: /Input 'b' \(float32\) needs a Float32Array as data, got an array/,
      });
    });
  });

  test('rejects a missing or unknown input with a TypeError naming it', async () => {
    await withSession(createEngine(), 'add.onnx', async (session) => {
      await assert.rejects(session.run({ a: three }), {
        name: 'TypeError',
        message: "Missing input 'b'; the model takes 'a', 'b'.",
      });
      await assert.rejects(session.run({ a: three, b: three, c: three }), {
        name: 'TypeError',
        message: /Unknown input 'c'/,
      });
    });
  });
}

function registerLifecycleTests(createEngine: () => Engine): void {
  test('rejects a file that is not an ONNX model, naming it', async () => {
    const path = fixturePath('not-a-model.onnx');
    const error = await createEngine()
      .load(path)
      .then(
        () => assert.fail('loaded a garbage file'),
        (reason: unknown) => reason,
      );
    assert.ok(error instanceof Error);
    assert.match(error.message, /^Cannot load '.*not-a-model\.onnx' as an ONNX model: /);
    assert.doesNotMatch(error.message, /\n|onnxruntime_src/);
  });

  test('rejects a file that does not exist', async () => {
    await assert.rejects(createEngine().load(fixturePath('add.onnx') + '.missing'), {
      message: /^Cannot load '.*add\.onnx\.missing' as an ONNX model/,
    });
  });

  test('refuses to run after dispose, and disposing twice is harmless', async () => {
    const session = await createEngine().load(fixturePath('add.onnx'));
    await session.dispose();
    await session.dispose();
    const feeds = { a: float32([1, 3], [1, 2, 3]), b: float32([1, 3], [1, 2, 3]) };
    await assert.rejects(session.run(feeds), { message: /disposed/ });
  });
}
