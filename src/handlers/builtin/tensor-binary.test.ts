import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HandlerContext, HandlerRequest, HandlerResponse } from '../handler.js';
import { createTensorHandler } from './tensor.js';
import { readInferenceBody } from './tensor-binary.js';
import { addContext, addOutputs, row, textRequest, wide } from './tensor-fixtures.js';

const wideContext: HandlerContext = { ...addContext, inputs: wide, outputs: wide };

/** An item of `inputs` whose data is binary. */
const binaryRow = (name: string, datatype: string, shape: number[], size: number) => ({
  name,
  datatype,
  shape,
  parameters: { binary_data_size: size },
});

const bytesOf = (view: ArrayBufferView): Uint8Array =>
  new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/**
 * A request of `header` as JSON, then `chunks`. `misalign` pads the JSON with spaces until the
 * binary data starts that many bytes past a multiple of 8; `length` replaces the header's value.
 */
function binaryRequest(
  header: object,
  chunks: readonly ArrayBufferView[],
  options: { misalign?: number; length?: string } = {},
): HandlerRequest {
  let text = JSON.stringify(header);
  while (options.misalign !== undefined && text.length % 8 !== options.misalign) text += ' ';
  const json = new TextEncoder().encode(text);
  const body = Buffer.concat([json, ...chunks.map(bytesOf)]);
  const length = options.length ?? String(json.byteLength);
  return textRequest(body, 'body', { 'inference-header-content-length': length });
}

interface OutputItem {
  name: string;
  shape: number[];
  datatype: string;
  data?: unknown[];
  parameters?: { binary_data_size: number };
}

/** A binary response's JSON and the binary data after it, read as a client would. */
function readResponse(response: HandlerResponse): { outputs: OutputItem[]; binary: Uint8Array } {
  assert.equal(response.contentType, 'application/octet-stream');
  assert.ok(response.body instanceof Uint8Array);
  const input = { name: 'response', data: response.body };
  const { document, binary } = readInferenceBody(input, response.headers ?? {});
  assert.ok(binary !== undefined);
  return { outputs: (document as { outputs: OutputItem[] }).outputs, binary };
}

async function roundTrip(request: HandlerRequest, context: HandlerContext = addContext) {
  const handler = createTensorHandler();
  const feeds = await handler.preprocess(request, context);
  return { feeds, response: await handler.postprocess({ ...addOutputs }, request, context) };
}

describe('binary tensor data in', () => {
  test('reads FP32 inputs after an unaligned header into fresh arrays, and answers JSON', async () => {
    const a = Float32Array.of(0.1, -2.5, 3e38);
    const b = Float32Array.of(Number.NaN, -0, 1);
    const header = {
      inputs: [binaryRow('a', 'FP32', [1, 3], 12), binaryRow('b', 'FP32', [1, 3], 12)],
    };
    const request = binaryRequest(header, [a, b], { misalign: 1 });
    const { feeds, response } = await roundTrip(request);
    assert.deepEqual(feeds.a, { type: 'float32', dims: [1, 3], data: a });
    assert.deepEqual(bytesOf(feeds.b?.data as Float32Array), bytesOf(b));
    assert.equal((feeds.a?.data as Float32Array).byteOffset, 0);
    assert.equal(response.contentType, 'application/json');
    const json = JSON.parse(String(response.body)) as { outputs: OutputItem[] };
    assert.deepEqual(json.outputs[0]?.data, [1, 2, 3]);
  });

  test('mixes JSON and binary inputs', async () => {
    const header = {
      inputs: [row('a', 'FP32', [1, 3], [1, 2, 3]), binaryRow('b', 'FP32', [1, 3], 12)],
    };
    const { feeds } = await roundTrip(binaryRequest(header, [Float32Array.of(4, 5, 6)]));
    assert.deepEqual(feeds.a?.data, Float32Array.of(1, 2, 3));
    assert.deepEqual(feeds.b?.data, Float32Array.of(4, 5, 6));
  });

  test('keeps JSON data without the header, as before the extension', async () => {
    const b = { ...row('b', 'FP32', [1, 3], [4, 5, 6]), parameters: { binary_data_size: 12 } };
    const document = { inputs: [row('a', 'FP32', [1, 3], [1, 2, 3]), b] };
    const { feeds } = await roundTrip(textRequest(JSON.stringify(document)));
    assert.deepEqual(feeds.b?.data, Float32Array.of(4, 5, 6));
  });
});

describe('binary tensor data out', () => {
  const inputs = [row('a', 'FP32', [1, 3], [0, 0, 0]), row('b', 'FP32', [1, 3], [1, 2, 3])];

  test('answers every output in binary when the request asks', async () => {
    const document = { inputs, parameters: { binary_data_output: true } };
    const { response } = await roundTrip(textRequest(JSON.stringify(document)));
    const { outputs, binary } = readResponse(response);
    assert.deepEqual(outputs, [
      { name: 'sum', shape: [1, 3], datatype: 'FP32', parameters: { binary_data_size: 12 } },
      { name: 'count', shape: [], datatype: 'INT64', parameters: { binary_data_size: 8 } },
    ]);
    const expected = Buffer.concat([bytesOf(addOutputs.sum.data), bytesOf(addOutputs.count.data)]);
    assert.deepEqual(Buffer.from(binary), expected);
    assert.deepEqual(new BigInt64Array(binary.slice(12).buffer), BigInt64Array.of(2n ** 62n));
  });

  test('lets each requested output override the request-wide choice', async () => {
    const only = {
      inputs,
      outputs: [{ name: 'sum', parameters: { binary_data: true } }, { name: 'count' }],
    };
    const mixed = readResponse((await roundTrip(textRequest(JSON.stringify(only)))).response);
    assert.deepEqual(mixed.outputs[1]?.data, ['4611686018427387904']);
    assert.deepEqual(new Float32Array(mixed.binary.slice().buffer), addOutputs.sum.data);
    const except = {
      inputs,
      parameters: { binary_data_output: true },
      outputs: [{ name: 'count', parameters: { binary_data: false } }],
    };
    const none = (await roundTrip(textRequest(JSON.stringify(except)))).response;
    assert.equal(none.contentType, 'application/json');
    assert.equal(none.headers, undefined);
  });

  test('round-trips FP16, INT64, UINT64, BOOL, BYTES and INT8 bit for bit', async () => {
    const text = Uint8Array.of(2, 0, 0, 0, 0xc3, 0xa4, 0, 0, 0, 0, 2, 0, 0, 0, 0x6f, 0x6b);
    const chunks = [
      BigInt64Array.of(-(2n ** 63n), 42n),
      BigUint64Array.of(2n ** 64n - 1n),
      Uint8Array.of(1, 0, 1),
      text,
      Uint16Array.of(0x3c00, 0x7e01, 0xfc00),
      Int8Array.of(-128, 127),
    ];
    const items = wide.map((input, index) => {
      const datatype = ['INT64', 'UINT64', 'BOOL', 'BYTES', 'FP16', 'INT8'][index] ?? '';
      const length = [2, 1, 3, 3, 3, 2][index] ?? 0;
      return binaryRow(input.name, datatype, [length], chunks[index]?.byteLength ?? 0);
    });
    const header = { inputs: items, parameters: { binary_data_output: true } };
    const request = binaryRequest(header, chunks, { misalign: 3 });
    const handler = createTensorHandler();
    const feeds = await handler.preprocess(request, wideContext);
    assert.deepEqual(feeds.text?.data, ['ä', '', 'ok']);
    assert.deepEqual(feeds.flag?.data, Uint8Array.of(1, 0, 1));
    assert.deepEqual(feeds.half?.data, Uint16Array.of(0x3c00, 0x7e01, 0xfc00));
    const { outputs, binary } = readResponse(
      await handler.postprocess(feeds, request, wideContext),
    );
    assert.deepEqual(
      outputs.map((output) => output.parameters?.binary_data_size),
      items.map((item) => item.parameters.binary_data_size),
    );
    assert.deepEqual(Buffer.from(binary), Buffer.concat(chunks.map(bytesOf)));
  });
});

describe('malformed binary requests', () => {
  const floats = Float32Array.of(1, 2, 3);
  const both = { inputs: [binaryRow('a', 'FP32', [1, 3], 12), binaryRow('b', 'FP32', [1, 3], 12)] };
  const one = (item: object) => ({ inputs: [item] });
  const cases: [string, HandlerRequest, HandlerContext, string, RegExp][] = [
    [
      'a header length that is not a number',
      binaryRequest(both, [floats, floats], { length: 'ten' }),
      addContext,
      'TypeError',
      /^Input 'body': the inference-header-content-length header must be a positive integer, got "ten"\.$/,
    ],
    [
      'a header length of 0',
      binaryRequest(both, [floats, floats], { length: '0' }),
      addContext,
      'TypeError',
      /must be a positive integer, got "0"/,
    ],
    [
      'a header length past the body',
      binaryRequest({}, [], { length: '1000' }),
      addContext,
      'RangeError',
      /^Input 'body' has only 2 bytes, but its inference-header-content-length header says the JSON takes 1000\.$/,
    ],
    [
      'a header that is not a JSON object',
      binaryRequest([1, 2], []),
      addContext,
      'TypeError',
      /^Input 'body' must start with a JSON object of 5 bytes/,
    ],
    [
      'a header length that cuts the JSON',
      binaryRequest(both, [floats, floats], { length: '10' }),
      addContext,
      'TypeError',
      /^Input 'body' must start with 10 bytes of JSON: /,
    ],
    [
      'a negative binary_data_size',
      binaryRequest(one(binaryRow('a', 'FP32', [1, 3], -12)), []),
      addContext,
      'TypeError',
      /^Input 'a' needs a non-negative integer "binary_data_size", got -12\.$/,
    ],
    [
      'a fractional binary_data_size',
      binaryRequest(one(binaryRow('a', 'FP32', [1, 3], 1.5)), []),
      addContext,
      'TypeError',
      /got 1\.5/,
    ],
    [
      'binary_data_size with data',
      binaryRequest(one({ ...binaryRow('a', 'FP32', [1, 3], 12), data: [1, 2, 3] }), [floats]),
      addContext,
      'TypeError',
      /^Input 'a' has both "data" and "binary_data_size"; send one\.$/,
    ],
    [
      'binary_data_size without the header',
      textRequest(JSON.stringify(one(binaryRow('a', 'FP32', [1, 3], 12)))),
      addContext,
      'TypeError',
      /^Input 'a' has "binary_data_size" but the request has no inference-header-content-length header\.$/,
    ],
    [
      'sizes past the end of the body',
      binaryRequest(both, [floats, floats.subarray(0, 2)]),
      addContext,
      'RangeError',
      /^Input 'b' has "binary_data_size" 12, but only 8 bytes of binary data are left in input 'body'\.$/,
    ],
    [
      'bytes left over',
      binaryRequest(both, [floats, floats, Uint8Array.of(9)]),
      addContext,
      'RangeError',
      /^Input 'body' has 1 bytes of binary data left over after its last binary input\.$/,
    ],
    [
      'a size that does not fit the shape',
      binaryRequest(one(binaryRow('a', 'FP32', [1, 3], 8)), [floats.subarray(0, 2)]),
      addContext,
      'RangeError',
      /^Input 'a' \(FP32\) has "binary_data_size" 8, but shape \[1, 3\] needs 12 bytes\.$/,
    ],
    [
      'a BYTES element past its input',
      binaryRequest(one(binaryRow('text', 'BYTES', [2], 9)), [
        Uint8Array.of(0, 0, 0, 0, 9, 0, 0, 0, 1),
      ]),
      wideContext,
      'RangeError',
      /^Input 'text' \(BYTES\) element 1 runs past the end of the input's 9 bytes\.$/,
    ],
    [
      'a BYTES length cut short',
      binaryRequest(one(binaryRow('text', 'BYTES', [1], 2)), [Uint8Array.of(1, 0)]),
      wideContext,
      'RangeError',
      /element 0 runs past the end/,
    ],
    [
      'too few BYTES elements',
      binaryRequest(one(binaryRow('text', 'BYTES', [2], 5)), [Uint8Array.of(1, 0, 0, 0, 0x41)]),
      wideContext,
      'RangeError',
      /^Input 'text' \(BYTES\) has 1 elements, but its shape needs 2\.$/,
    ],
    [
      'BYTES that are not UTF-8',
      binaryRequest(one(binaryRow('text', 'BYTES', [1], 5)), [Uint8Array.of(1, 0, 0, 0, 0xff)]),
      wideContext,
      'TypeError',
      /^Input 'text' \(BYTES\) element 0 is not UTF-8 text\.$/,
    ],
    [
      'a BOOL byte other than 0 or 1',
      binaryRequest(one(binaryRow('flag', 'BOOL', [3], 3)), [Uint8Array.of(1, 2, 0)]),
      wideContext,
      'RangeError',
      /^Input 'flag' \(BOOL\) element 1 is the byte 2; BOOL is 0 or 1\.$/,
    ],
  ];
  for (const [what, request, context, name, message] of cases) {
    test(`refuses ${what}`, () => {
      assert.throws(() => createTensorHandler().preprocess(request, context), { name, message });
    });
  }

  test('refuses output parameters that are not booleans', () => {
    const inputs = [row('a', 'FP32', [1, 3], [0, 0, 0]), row('b', 'FP32', [1, 3], [1, 2, 3])];
    const preprocess = (document: object) =>
      createTensorHandler().preprocess(textRequest(JSON.stringify(document)), addContext);
    assert.throws(() => preprocess({ inputs, parameters: { binary_data_output: 'yes' } }), {
      name: 'TypeError',
      message: 'The request must set "parameters.binary_data_output" to true or false, got "yes".',
    });
    assert.throws(
      () => preprocess({ inputs, outputs: [{ name: 'sum', parameters: { binary_data: 1 } }] }),
      {
        name: 'TypeError',
        message: `Output 'sum' must set "parameters.binary_data" to true or false, got 1.`,
      },
    );
  });
});
