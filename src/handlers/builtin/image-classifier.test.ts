import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { exampleDir } from '../../../test/fixtures/handlers/fixtures.js';
import type { TensorInfo } from '../../engine/index.js';
import type { HandlerContext, HandlerInput, HandlerRequest, StagedHandler } from '../handler.js';
import { createImageClassifier } from './image-classifier.js';
import { prettyJson } from './pretty-json.js';

const digits = exampleDir('digits');
const digitsInput: TensorInfo = { name: 'input', type: 'float32', shape: ['batch', 1, 28, 28] };
const digitsConfig = {
  grayscale: true,
  resize: 28,
  crop: 28,
  mean: [0.156],
  std: [0.2775],
  topk: 3,
};

function contextFor(config: Record<string, unknown>, input = digitsInput): HandlerContext {
  return {
    modelName: 'digits',
    modelVersion: '1.0',
    modelDir: digits,
    inputs: [input],
    outputs: [{ name: 'logits', type: 'float32', shape: ['batch', 10] }],
    config,
    batchSize: 1,
  };
}

async function classifier(context: HandlerContext): Promise<StagedHandler> {
  const handler = createImageClassifier();
  await handler.initialize?.(context);
  return handler;
}

function imageRequest(...images: Uint8Array[]): HandlerRequest {
  const inputs: HandlerInput[] = images.map((data) => ({ name: 'data', data }));
  return { requestId: '1', inputs, headers: {} };
}

function sample(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(digits, 'samples', file)));
}

function solid(width: number, height: number, format: 'png' | 'gif' = 'png'): Promise<Buffer> {
  const background = { r: 255, g: 0, b: 128 };
  return sharp({ create: { width, height, channels: 3, background } })
    .toFormat(format)
    .toBuffer();
}

describe('image_classifier preprocessing', () => {
  test('turns a sample PNG into the README formula of its test_split.json pixels', async () => {
    const split = JSON.parse(readFileSync(join(digits, 'test_split.json'), 'utf8')) as {
      samples: { pixels: string[] }[];
    };
    const pixels = Buffer.from(split.samples[24]?.pixels.join('') ?? '', 'hex');
    const context = contextFor(digitsConfig);
    const feeds = await (
      await classifier(context)
    ).preprocess(imageRequest(sample('digit_0_24.png')), context);
    assert.deepEqual(feeds.input?.dims, [1, 1, 28, 28]);
    const expected = Float32Array.from(pixels, (p) => (p / 255 - 0.156) / 0.2775);
    assert.deepEqual(feeds.input?.data, expected);
  });

  test("defaults to torchvision's ImageNet transform, RGB and NCHW", async () => {
    const input: TensorInfo = { name: 'image', type: 'float32', shape: ['batch', 3, 224, 224] };
    const context = contextFor({}, input);
    const handler = await classifier(context);
    const feeds = await handler.preprocess(
      imageRequest(await solid(300, 400), await solid(500, 256)),
      context,
    );
    const tensor = feeds.image;
    assert.deepEqual(tensor?.dims, [2, 3, 224, 224]);
    const plane = 224 * 224;
    const at = (channel: number) =>
      (tensor?.data as Float32Array)[3 * plane + channel * plane + 1000] ?? 0;
    const want = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (128 / 255 - 0.406) / 0.225];
    want.forEach((value, channel) =>
      assert.ok(Math.abs(at(channel) - value) < 1e-5, `channel ${channel}`),
    );
  });

  test("converts colour to gray as PIL's convert('L') does", async () => {
    const input: TensorInfo = { name: 'input', type: 'float32', shape: ['batch', 1, -1, -1] };
    const context = contextFor(
      { grayscale: true, resize: null, crop: null, mean: 0, std: 1 },
      input,
    );
    const feeds = await (
      await classifier(context)
    ).preprocess(imageRequest(await solid(5, 3)), context);
    assert.deepEqual(feeds.input?.dims, [1, 1, 3, 5]);
    assert.deepEqual(feeds.input?.data, new Float32Array(15).fill(91 / 255));
  });

  test('refuses bytes that are no image, other formats, oversize images and missing parts', async () => {
    const context = contextFor({ ...digitsConfig, max_pixels: 1000 });
    const handler = await classifier(context);
    const refuse = (request: HandlerRequest, name: string, message: RegExp | string) =>
      assert.rejects(async () => handler.preprocess(request, context), { name, message });
    await refuse(
      imageRequest(new TextEncoder().encode('{"not": "an image"}')),
      'TypeError',
      /^Input 'data' must be a JPEG, PNG or WebP image: /,
    );
    await refuse(
      imageRequest(await solid(8, 8, 'gif')),
      'TypeError',
      "Input 'data' must be a JPEG, PNG or WebP image, got gif.",
    );
    await refuse(
      imageRequest(await solid(40, 30)),
      'RangeError',
      "Input 'data' is 40×30 pixels; the limit is 1000 pixels.",
    );
    await refuse(
      imageRequest(sample('digit_1_16.png').subarray(0, 100)),
      'TypeError',
      /^Input 'data' could not be decoded: /,
    );
    const noData = {
      requestId: '1',
      inputs: [{ name: 'file', data: sample('digit_1_16.png') }],
      headers: {},
    };
    await refuse(
      noData,
      'TypeError',
      "The request needs an input named 'data' or 'body'; it has 'file'.",
    );
    const uncropped = contextFor({ ...digitsConfig, resize: null, crop: 28 });
    const small = await classifier(uncropped);
    await assert.rejects(
      async () => small.preprocess(imageRequest(await solid(20, 30)), uncropped),
      {
        name: 'RangeError',
        message: "Input 'data' is 20×30 pixels after resizing, smaller than the 28-pixel crop.",
      },
    );
  });

  test('refuses settings that do not fit each other or the model', async () => {
    const load = async (config: Record<string, unknown>, input = digitsInput) =>
      createImageClassifier().initialize?.(contextFor(config, input));
    await assert.rejects(load({ ...digitsConfig, crop: 32 }), {
      message: 'handler.crop (32) must not exceed handler.resize (28).',
    });
    await assert.rejects(load({ ...digitsConfig, mean: [0.1, 0.2] }), {
      message: 'handler.mean needs 1 value for grayscale images, got 2.',
    });
    await assert.rejects(load({ ...digitsConfig, grayscale: 'yes' }), {
      message: 'handler.grayscale must be true or false, got "yes".',
    });
    await assert.rejects(load({ ...digitsConfig, grayscale: false }), {
      message: "Input 'input' takes 1 channels but handler.grayscale gives 3.",
    });
    await assert.rejects(load({ ...digitsConfig, resize: 32, crop: 32 }), {
      message: "Input 'input' takes 28-pixel sides but handler.crop is 32.",
    });
    await assert.rejects(load(digitsConfig, { ...digitsInput, type: 'uint8' }), {
      message: /needs a model with one float32 input/,
    });
  });
});

describe('image_classifier answers', () => {
  const logits = (rows: number) =>
    Float32Array.from({ length: rows * 10 }, (_, i) => (i % 10) * (i < 10 ? 1 : -1));

  test('lists the top classes, most probable first, as an object for one image', async () => {
    const context = contextFor(digitsConfig);
    const handler = await classifier(context);
    const outputs = { logits: { type: 'float32', dims: [1, 10], data: logits(1) } } as const;
    const response = await handler.postprocess(
      { ...outputs },
      imageRequest(sample('digit_0_24.png')),
      context,
    );
    assert.equal(response.contentType, 'application/json');
    const body = String(response.body);
    assert.deepEqual(
      [...body.matchAll(/"(\d)":/g)].map((match) => match[1]),
      ['9', '8', '7'],
    );
    const scores = JSON.parse(body) as Record<string, number>;
    const total = Array.from({ length: 10 }, (_, i) => Math.exp(i - 9)).reduce((a, b) => a + b);
    assert.ok(Math.abs((scores['9'] ?? 0) - 1 / total) < 1e-12);
  });

  test('answers a list for several images in one request', async () => {
    const context = contextFor({ ...digitsConfig, softmax: false, topk: 1 });
    const handler = await classifier(context);
    const outputs = { logits: { type: 'float32', dims: [2, 10], data: logits(2) } } as const;
    const two = imageRequest(sample('digit_0_24.png'), sample('digit_1_16.png'));
    const response = await handler.postprocess({ ...outputs }, two, context);
    assert.equal(String(response.body), '[\n  {\n    "9": 9\n  },\n  {\n    "0": 0\n  }\n]');
  });

  test('writes JSON as Python does with indent=2, keeping key order', () => {
    const ordered = new Map<string, number>([
      ['7', 0.5],
      ['1', 0.25],
    ]);
    assert.equal(prettyJson(ordered), '{\n  "7": 0.5,\n  "1": 0.25\n}');
    assert.equal(
      prettyJson([[], new Map(), 'x', null, true]),
      '[\n  [],\n  {},\n  "x",\n  null,\n  true\n]',
    );
  });
});
