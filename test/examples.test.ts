// The bundled example models, checked with onnxruntime-node directly (no server code), so that
// a broken export, a stale test split or a preprocessing mismatch in the docs shows up here.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { parse as parseYaml } from 'yaml';

// Measured by the training scripts (digits 0.9944, iris 0.9778), less a small margin.
const DIGITS_MIN_ACCURACY = 0.98;
const IRIS_MIN_ACCURACY = 0.95;
const BATCH = 64;

interface DigitsSplit {
  accuracy: number;
  samples: { label: number; pixels: string[] }[];
}

interface DigitsConfig {
  handler: { grayscale: boolean; resize: number; crop: number; mean: number[]; std: number[] };
}

interface IrisSplit {
  accuracy: number;
  feature_names: string[];
  samples: { features: number[]; label: number }[];
}

interface IrisConfig {
  handler: { feature_names: string[]; softmax: boolean };
}

/** The checkout's `examples/`, found from here whether this runs from `test/` or `dist/test/`. */
function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'examples', 'digits'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('examples/ not found above the test file');
    dir = parent;
  }
  return join(dir, 'examples');
}

const EXAMPLES = examplesDir();

async function readJson<T>(...parts: string[]): Promise<T> {
  return JSON.parse(await readFile(join(EXAMPLES, ...parts), 'utf8')) as T;
}

async function readYaml<T>(...parts: string[]): Promise<T> {
  return parseYaml(await readFile(join(EXAMPLES, ...parts), 'utf8')) as T;
}

function argmaxRows(logits: Tensor, classes: number): number[] {
  const data = logits.data as Float32Array;
  assert.equal(data.length % classes, 0);
  const winners: number[] = [];
  for (let row = 0; row < data.length / classes; row++) {
    const scores = data.subarray(row * classes, (row + 1) * classes);
    winners.push(scores.indexOf(Math.max(...scores)));
  }
  return winners;
}

function accuracy(predicted: number[], labels: number[]): number {
  assert.equal(predicted.length, labels.length);
  return predicted.filter((label, i) => label === labels[i]).length / labels.length;
}

/** Decodes the hex rows of test_split.json into one 28x28 uint8 image. */
function hexImage(rows: string[]): Uint8Array {
  return new Uint8Array(Buffer.from(rows.join(''), 'hex'));
}

/** uint8 pixels -> (pixel / 255 - mean) / std as float32 [n, 1, side, side]. */
function digitsInput(images: Uint8Array[], side: number, mean: number, std: number): Tensor {
  const area = side * side;
  const data = new Float32Array(images.length * area);
  images.forEach((image, n) => {
    assert.equal(image.length, area);
    image.forEach((pixel, i) => (data[n * area + i] = (pixel / 255 - mean) / std));
  });
  return new Tensor('float32', data, [images.length, 1, side, side]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reverses PNG row filtering for one byte per pixel; each row starts with its filter type. */
function unfilter(raw: Buffer, width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height);
  const at = (x: number, y: number): number => (x < 0 || y < 0 ? 0 : (pixels[y * width + x] ?? 0));
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)] ?? -1;
    for (let x = 0; x < width; x++) {
      const [a, b, c] = [at(x - 1, y), at(x, y - 1), at(x - 1, y - 1)];
      const predictor = [0, a, b, Math.floor((a + b) / 2), paeth(a, b, c)][filter];
      assert.ok(predictor !== undefined, `PNG filter type ${filter}`);
      pixels[y * width + x] = ((raw[y * (width + 1) + 1 + x] ?? 0) + predictor) & 0xff;
    }
  }
  return pixels;
}

/** Decodes an 8-bit grayscale, non-interlaced PNG: enough for the bundled samples, no more. */
function decodeGrayPng(file: Buffer): { width: number; height: number; pixels: Uint8Array } {
  assert.equal(file.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  let [width, height] = [0, 0];
  const compressed: Buffer[] = [];
  for (let at = 8; at < file.length; at += 12 + file.readUInt32BE(at)) {
    const type = file.toString('latin1', at + 4, at + 8);
    const body = file.subarray(at + 8, at + 8 + file.readUInt32BE(at));
    if (type === 'IDAT') compressed.push(body);
    if (type !== 'IHDR') continue;
    [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
    // bit depth 8, color type 0 (gray), compression 0, filter method 0, no interlace
    assert.equal(body.subarray(8, 13).toString('hex'), '0800000000', 'PNG pixel format');
  }
  assert.ok(width > 0 && height > 0, 'PNG header');
  return { width, height, pixels: unfilter(inflateSync(Buffer.concat(compressed)), width, height) };
}

describe('examples/digits', () => {
  let session: InferenceSession;
  let split: DigitsSplit;
  let config: DigitsConfig['handler'];

  before(async () => {
    session = await InferenceSession.create(join(EXAMPLES, 'digits', 'digits.onnx'));
    split = await readJson<DigitsSplit>('digits', 'test_split.json');
    config = (await readYaml<DigitsConfig>('digits', 'model-config.yaml')).handler;
  });
  after(() => session.release());

  async function classify(images: Uint8Array[]): Promise<number[]> {
    const [mean, std] = [config.mean[0] ?? NaN, config.std[0] ?? NaN];
    const predicted: number[] = [];
    for (let start = 0; start < images.length; start += BATCH) {
      const batch = images.slice(start, start + BATCH);
      const { logits } = await session.run({ input: digitsInput(batch, config.crop, mean, std) });
      assert.ok(logits, 'output "logits"');
      assert.deepEqual(logits.dims, [batch.length, 10]);
      predicted.push(...argmaxRows(logits, 10));
    }
    return predicted;
  }

  it('documents a grayscale 28x28 input with one mean and one std', () => {
    assert.deepEqual(session.inputNames, ['input']);
    assert.deepEqual(session.outputNames, ['logits']);
    assert.equal(config.grayscale, true);
    assert.equal(config.resize, 28);
    assert.equal(config.crop, 28);
    assert.equal(config.mean.length, 1);
    assert.equal(config.std.length, 1);
  });

  it('labels the ten classes with their digits', async () => {
    const names = await readJson<Record<string, string>>('digits', 'index_to_name.json');
    assert.deepEqual(names, Object.fromEntries([...Array(10).keys()].map((d) => [d, String(d)])));
  });

  it('classifies the held-out split as accurately as training measured', async () => {
    const labels = split.samples.map((sample) => sample.label);
    const score = accuracy(await classify(split.samples.map((s) => hexImage(s.pixels))), labels);
    assert.ok(score >= DIGITS_MIN_ACCURACY, `accuracy ${score}`);
    assert.ok(Math.abs(score - split.accuracy) <= 1 / labels.length, `PyTorch: ${split.accuracy}`);
  });

  it('classifies each sample PNG as the digit in its file name', async () => {
    const folder = join(EXAMPLES, 'digits', 'samples');
    const names = (await readdir(folder)).filter((name) => name.endsWith('.png')).sort();
    assert.equal(names.length, 10);
    const images: Uint8Array[] = [];
    const labels: number[] = [];
    for (const name of names) {
      const [, label, index] = /^digit_(\d)_(\d+)\.png$/.exec(name) ?? [];
      assert.ok(label !== undefined && index !== undefined, `sample name ${name}`);
      const png = decodeGrayPng(await readFile(join(folder, name)));
      assert.deepEqual([png.width, png.height], [28, 28]);
      const record = split.samples[Number(index)];
      assert.ok(record, `${name}: no held-out sample ${index}`);
      assert.equal(record.label, Number(label), `${name} is held-out sample ${index}`);
      assert.deepEqual(png.pixels, hexImage(record.pixels), `${name} pixels`);
      images.push(png.pixels);
      labels.push(Number(label));
    }
    assert.deepEqual(await classify(images), labels);
  });
});

describe('examples/iris', () => {
  let session: InferenceSession;
  let split: IrisSplit;

  before(async () => {
    session = await InferenceSession.create(join(EXAMPLES, 'iris', 'iris.onnx'));
    split = await readJson<IrisSplit>('iris', 'test_split.json');
  });
  after(() => session.release());

  it('documents four raw features and three species', async () => {
    const config = await readYaml<IrisConfig>('iris', 'model-config.yaml');
    assert.deepEqual(config.handler.feature_names, split.feature_names);
    assert.equal(config.handler.softmax, true);
    const names = await readJson<Record<string, string>>('iris', 'index_to_name.json');
    assert.deepEqual(names, { 0: 'setosa', 1: 'versicolor', 2: 'virginica' });
  });

  it('classifies the held-out split from raw measurements', async () => {
    const features = Float32Array.from(split.samples.flatMap((sample) => sample.features));
    const input = new Tensor('float32', features, [split.samples.length, 4]);
    const { logits } = await session.run({ input });
    assert.ok(logits, 'output "logits"');
    assert.deepEqual(logits.dims, [split.samples.length, 3]);
    const labels = split.samples.map((sample) => sample.label);
    const score = accuracy(argmaxRows(logits, 3), labels);
    assert.ok(score >= IRIS_MIN_ACCURACY, `accuracy ${score}`);
    assert.ok(Math.abs(score - split.accuracy) <= 1 / labels.length, `PyTorch: ${split.accuracy}`);
  });
});
