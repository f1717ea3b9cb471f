import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { fixturePath } from '../../test/fixtures/models/fixtures.js';
import { loadDirectSession } from './ort-binding.js';

const options = { executionProviders: ['cpu'], intraOpNumThreads: 1 };

test('reaches the installed runtime directly, so runs skip the extra event-loop turn', async () => {
  const direct = loadDirectSession(fixturePath('add.onnx'), options);
  assert.ok(direct, 'onnxruntime-node is laid out as expected; update ort-binding.ts if not');
  const reference = await InferenceSession.create(fixturePath('add.onnx'), options);
  try {
    assert.deepEqual(direct.inputMetadata, reference.inputMetadata);
    assert.deepEqual(direct.outputMetadata, reference.outputMetadata);

    const feeds = {
      a: new OrtTensor('float32', Float32Array.from([1, 2, 3]), [1, 3]),
      b: new OrtTensor('float32', Float32Array.from([10, 20, 30]), [1, 3]),
    };
    const result = direct.run(feeds);
    assert.ok(!(result instanceof Promise), 'the direct run is synchronous');
    const expected = await reference.run(feeds);
    assert.deepEqual([...(result.sum?.data as Float32Array)], [11, 22, 33]);
    assert.deepEqual(result.sum?.dims, expected.sum?.dims);
  } finally {
    await direct.release();
    await reference.release();
  }
});
