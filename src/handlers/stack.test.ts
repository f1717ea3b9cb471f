import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tensor } from '../engine/index.js';
import type { Feeds } from './handler.js';
import { splitOutputs, stackFeeds, stackKey, takesBatches } from './stack.js';

/** One tensor of every element type, `rows` rows of two elements, values from `seed`. */
function everyType(rows: number, seed: number): Feeds {
  const n = rows * 2;
  const ints = Array.from({ length: n }, (_, i) => seed + i);
  const dims = [rows, 2];
  return {
    f32: { type: 'float32', dims, data: Float32Array.from(ints, (v) => v + 0.5) },
    f64: { type: 'float64', dims, data: Float64Array.from(ints, (v) => v / 3) },
    f16: { type: 'float16', dims, data: Uint16Array.from(ints) },
    i8: { type: 'int8', dims, data: Int8Array.from(ints, (v) => -v) },
    u8: { type: 'uint8', dims, data: Uint8Array.from(ints) },
    i16: { type: 'int16', dims, data: Int16Array.from(ints) },
    u16: { type: 'uint16', dims, data: Uint16Array.from(ints) },
    i32: { type: 'int32', dims, data: Int32Array.from(ints) },
    u32: { type: 'uint32', dims, data: Uint32Array.from(ints) },
    i64: { type: 'int64', dims, data: BigInt64Array.from(ints, (v) => 2n ** 60n + BigInt(v)) },
    u64: { type: 'uint64', dims, data: BigUint64Array.from(ints, (v) => 2n ** 63n + BigInt(v)) },
    bool: { type: 'bool', dims, data: Uint8Array.from(ints, (v) => v % 2) },
    text: { type: 'string', dims, data: ints.map((v) => `s${v}`) },
  };
}

describe('stackFeeds and splitOutputs', () => {
  test('stack every element type along the first dimension and split it back', () => {
    const perRequest = [everyType(1, 0), everyType(3, 100), everyType(2, 200)];
    const stacked = stackFeeds(perRequest);
    assert.ok(stacked !== null);
    assert.deepEqual(stacked.sizes, [1, 3, 2]);
    for (const [name, tensor] of Object.entries(stacked.feeds)) {
      assert.deepEqual(tensor.dims, [6, 2], name);
      const parts = perRequest.map((feeds) => [...(feeds[name] as Tensor).data]);
      assert.deepEqual([...tensor.data], parts.flat(), name);
      assert.equal(tensor.data.constructor, perRequest[0]?.[name]?.data.constructor, name);
    }
    const split = splitOutputs(stacked.feeds, stacked.sizes);
    assert.deepEqual(split, perRequest);
  });

  test('split into views on the outputs, without copying', () => {
    const outputs: Feeds = { y: { type: 'float32', dims: [3, 2], data: new Float32Array(6) } };
    const [first, second] = splitOutputs(outputs, [1, 2]);
    const whole = outputs.y?.data as Float32Array;
    assert.equal((first?.y?.data as Float32Array).buffer, whole.buffer);
    assert.equal((second?.y?.data as Float32Array).byteOffset, 2 * 4);
    assert.deepEqual(second?.y?.dims, [2, 2]);
  });

  test('give outputs without the batch total as first dimension whole to every request', () => {
    const scalar: Tensor = { type: 'int64', dims: [], data: BigInt64Array.from([7n]) };
    const other: Tensor = { type: 'float32', dims: [4], data: new Float32Array(4) };
    const split = splitOutputs({ scalar, other }, [1, 2]);
    assert.equal(split[0]?.scalar, scalar);
    assert.equal(split[1]?.other, other);
  });

  test('refuse feeds that cannot share a run', () => {
    const [one, two] = [everyType(1, 0), everyType(1, 5)];
    const wider: Tensor = { type: 'float32', dims: [1, 3], data: new Float32Array(3) };
    assert.equal(stackFeeds([one, { ...two, f32: wider }]), null, 'trailing dims differ');
    const doubles: Tensor = { type: 'float32', dims: [1, 2], data: new Float64Array(2) } as never;
    assert.equal(stackFeeds([one, { ...two, f32: doubles }]), null, 'array class differs');
    assert.equal(stackFeeds([one, { f32: one.f32 as Tensor }]), null, 'input names differ');
    const scalar: Tensor = { type: 'float32', dims: [], data: new Float32Array(1) };
    assert.equal(stackKey({ x: scalar }), null, 'no leading dimension');
    const twoRows: Tensor = { type: 'float32', dims: [2, 2], data: new Float32Array(4) };
    assert.equal(stackKey({ ...one, f64: twoRows }), null, 'inputs disagree on the batch');
    const short: Tensor = { type: 'float32', dims: [2, 2], data: new Float32Array(3) };
    assert.equal(stackKey({ short }), null, 'data does not fill its dims');
    assert.equal(stackFeeds([]), null);
  });

  test('stack only for models whose inputs all have a dynamic first dimension', () => {
    assert.equal(takesBatches([{ name: 'a', type: 'float32', shape: ['batch', 3] }]), true);
    assert.equal(takesBatches([{ name: 'a', type: 'float32', shape: [-1, 3] }]), true);
    assert.equal(takesBatches([{ name: 'x', type: 'float32', shape: [256] }]), false);
    assert.equal(takesBatches([{ name: 'i', type: 'int64', shape: [] }]), false);
  });
});
