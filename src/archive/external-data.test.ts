import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ServeError } from '../errors/index.js';
import {
  addModelOnnx,
  notAModel,
  onnxWithExternalData,
} from '../../test/fixtures/archives/builders.js';
import { checkExternalData } from './external-data.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnxserve-external-'));
  await mkdir(join(dir, 'weights'));
  await writeFile(join(dir, 'weights', 'w.bin'), Buffer.alloc(16));
  await writeFile(join(dir, 'w2.bin'), Buffer.alloc(16));
});
after(() => rm(dir, { recursive: true, force: true }));

async function check(model: Buffer, name = 'model.onnx'): Promise<string[]> {
  const modelPath = join(dir, name);
  await writeFile(modelPath, model);
  return checkExternalData(modelPath, dir);
}

function refusedWith(message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ServeError);
    assert.equal(error.type, 'InvalidModelException');
    assert.match(error.message, message);
    return true;
  };
}

describe('checkExternalData', () => {
  it('finds nothing in a model that keeps its weights inside', async () => {
    assert.deepEqual(await check(addModelOnnx()), []);
  });

  it('returns the external files a model refers to, once each', async () => {
    const files = await check(onnxWithExternalData(['weights/w.bin', 'w2.bin', 'weights/w.bin']));
    assert.deepEqual(files, [join(dir, 'weights', 'w.bin'), join(dir, 'w2.bin')]);
  });

  it('resolves locations from the model file, as ONNX Runtime does', async () => {
    const files = await check(onnxWithExternalData(['w.bin']), 'weights/model.onnx');
    assert.deepEqual(files, [join(dir, 'weights', 'w.bin')]);
    const up = check(onnxWithExternalData(['../w2.bin']), 'weights/model.onnx');
    await assert.rejects(up, refusedWith(/"..\/w2.bin" leaves the model directory/));
  });

  it('looks inside subgraphs', async () => {
    const nested = onnxWithExternalData(['../outside.bin'], true);
    await assert.rejects(check(nested), refusedWith(/leaves the model directory/));
  });

  it('refuses locations that leave the model directory', async () => {
    const cases: [string, RegExp][] = [
      ['../outside.bin', /"..\/outside.bin" leaves the model/],
      ['weights/../../x.bin', /leaves the model/],
      ['/etc/passwd', /"\/etc\/passwd" is an absolute path/],
      ['C:\\w.bin', /is an absolute path/],
      ['..\\w.bin', /leaves the model/],
    ];
    for (const [location, message] of cases) {
      await assert.rejects(check(onnxWithExternalData([location])), refusedWith(message));
    }
  });

  it('refuses a location the archive does not hold', async () => {
    const missing = check(onnxWithExternalData(['missing.bin']));
    await assert.rejects(missing, refusedWith(/"missing.bin" is not in the archive/));
  });

  it('refuses a file that is not a protobuf', async () => {
    await assert.rejects(
      check(notAModel, 'junk.onnx'),
      refusedWith(/junk.onnx is not an ONNX model/),
    );
  });
});
