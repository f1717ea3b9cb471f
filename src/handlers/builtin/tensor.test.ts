import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tensor, TensorInfo } from '../../engine/index.js';
import { fromHalfBits, toHalfBits } from './half-float.js';
import { createTensorHandler } from './tensor.js';
import {
  add,
  addContext as context,
  addOutputs as outputs,
  row,
  textRequest as request,
  wide,
} from './tensor-fixtures.js';
import { parseTensorRequest } from './tensor-request.js';
import { fromTensorData, tensorDataJson } from './tensor-values.js';

function parseAdd(document: unknown) {
  return parseTensorRequest(document, add, 'body');
}

describe('tensor requests', () => {
  test('read the full form with flat or nested data, and the shorthand', () => {
    const full = parseAdd({
      id: 'r1',
      inputs: [
        row(
          'a',
          'FP32',
          [2, 3],
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ),
        row('b', 'FP32', [2, 3], [1, 1, 1, 2, 2, 2]),
      ],
    });
    assert.equal(full.id, 'r1');
    assert.deepEqual(full.feeds.a, {
      type: 'float32',
      dims: [2, 3],
      data: Float32Array.from([1, 2, 3, 4, 5, 6]),
    });
    const short = parseAdd({ a: [[1, 2, 3]], b: [[0.5, 0.5, 0.5]] });
    assert.equal(short.id, undefined);
    assert.deepEqual(short.feeds.b, {
      type: 'float32',
      dims: [1, 3],
      data: Float32Array.from([0.5, 0.5, 0.5]),
    });
  });

  test('read shorthand values of any rank row by row, and refuse ragged ones', () => {
    const free: TensorInfo[] = [{ name: 'x', type: 'int32', shape: [] }];
    const read = (value: unknown) => parseTensorRequest({ x: value }, free, 'body').feeds.x;
    const cube = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ];
    assert.deepEqual(read(cube), {
      type: 'int32',
      dims: [2, 2, 2],
      data: Int32Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    });
    assert.deepEqual(read(7), { type: 'int32', dims: [], data: Int32Array.of(7) });
    assert.deepEqual(read([[], []]), { type: 'int32', dims: [2, 0], data: new Int32Array(0) });
    assert.throws(() => read([[1, 2], [3]]), /rectangular nested array/);
    assert.throws(
      () =>
        read([
          [1, 2],
          [3, [4]],
        ]),
      /rectangular nested array/,
    );
  });

  test('read 64-bit integers from numbers and decimal strings, and every other datatype', () => {
    const { feeds } = parseTensorRequest(
      {
        inputs: [
          row('i', 'INT64', [3], ['-9223372036854775808', 42, '1152921504606846977']),
          row('u', 'UINT64', [1], ['18446744073709551615']),
          row('flag', 'BOOL', [2], [true, false]),
          row('text', 'BYTES', [2], ['ä', '']),
          row('half', 'FP16', [3], [1, -2, 'Infinity']),
          row('small', 'INT8', [2], [-128, 127]),
        ],
      },
      wide,
      'body',
    );
    assert.deepEqual(feeds.i?.data, BigInt64Array.from([-(2n ** 63n), 42n, 2n ** 60n + 1n]));
    assert.deepEqual(feeds.u?.data, BigUint64Array.from([2n ** 64n - 1n]));
    assert.deepEqual(feeds.flag?.data, Uint8Array.from([1, 0]));
    assert.deepEqual(feeds.text?.data, ['ä', '']);
    assert.deepEqual(feeds.half?.data, Uint16Array.from([0x3c00, 0xc000, 0x7c00]));
    assert.deepEqual(feeds.small?.data, Int8Array.from([-128, 127]));
  });

  const malformed: [string, unknown, string, RegExp | string][] = [
    ['not an object', [1, 2], 'TypeError', /^Input 'body' must be a JSON object/],
    [
      'an unknown input',
      { c: [[1, 2, 3]] },
      'TypeError',
      "Unknown input 'c'; the model takes 'a', 'b'.",
    ],
    [
      'a missing input',
      { a: [[1, 2, 3]] },
      'TypeError',
      "Missing input 'b'; the model takes 'a', 'b'.",
    ],
    [
      'a wrong datatype',
      { inputs: [row('a', 'FP64', [1, 3], [1, 2, 3])] },
      'TypeError',
      "Input 'a' must be FP32, got FP64.",
    ],
    [
      'an unknown datatype',
      { inputs: [row('a', 'FLOAT', [1, 3], [1, 2, 3])] },
      'TypeError',
      /^Input 'a' needs a "datatype", one of BOOL, /,
    ],
    [
      'a negative dimension',
      { inputs: [row('a', 'FP32', [-1, 3], [])] },
      'TypeError',
      /^Input 'a' needs a "shape"/,
    ],
    [
      'a wrong count',
      { inputs: [row('a', 'FP32', [2, 3], [1, 2, 3])] },
      'RangeError',
      "Input 'a' has 3 values but shape [2, 3] needs 6.",
    ],
    [
      'a wrong shape',
      { a: [[1, 2]], b: [[1, 2]] },
      'RangeError',
      "Input 'a' must have shape [batch, 3], got [1, 2].",
    ],
    [
      'a wrong rank',
      { a: [1, 2, 3], b: [[1, 2, 3]] },
      'RangeError',
      "Input 'a' must have shape [batch, 3], got [3].",
    ],
    [
      'a ragged array',
      {
        a: [
          [1, 2, 3],
          [4, 5],
        ],
      },
      'RangeError',
      /^Input 'a' must be a rectangular nested array/,
    ],
    [
      'a string for a number',
      { a: [[1, 'two', 3]], b: [[1, 2, 3]] },
      'TypeError',
      `Input 'a' (FP32) needs numbers; element 1 is "two".`,
    ],
    [
      'the same input twice',
      { inputs: [row('a', 'FP32', [1, 3], [1, 2, 3]), row('a', 'FP32', [1, 3], [1, 2, 3])] },
      'TypeError',
      "Input 'a' appears twice.",
    ],
  ];
  for (const [what, document, name, message] of malformed) {
    test(`refuse ${what}`, () => {
      assert.throws(() => parseAdd(document), { name, message });
    });
  }

  test('refuse integers out of range and 64-bit numbers that lost precision', () => {
    const parse = (data: unknown[], datatype = 'INT8', name = 'small') =>
      parseTensorRequest({ inputs: [row(name, datatype, [data.length], data)] }, wide, 'body');
    assert.throws(() => parse([128]), {
      name: 'RangeError',
      message: "Input 'small' (INT8) element 0 is 128, outside -128 to 127.",
    });
    assert.throws(() => parse([1.5]), {
      name: 'TypeError',
      message: "Input 'small' (INT8) needs integers; element 0 is 1.5.",
    });
    assert.throws(() => parse([2 ** 60], 'INT64', 'i'), {
      name: 'RangeError',
      message: /beyond 2\^53 .* send it as a decimal string/,
    });
    assert.throws(() => parse(['-1'], 'UINT64', 'u'), {
      name: 'RangeError',
      message: /element 0 is -1, outside 0 to 18446744073709551615/,
    });
    assert.throws(() => parse([1], 'BOOL', 'flag'), {
      name: 'TypeError',
      message: /needs true or false; element 0 is 1/,
    });
  });
});

describe('tensor values', () => {
  test('convert half floats both ways, rounding to nearest even', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [65504, 0x7bff],
      [65520, 0x7c00],
      [2 ** -24, 0x0001],
      [2 ** -25, 0x0000],
      [0.1, 0x2e66],
      [1 + 2 ** -11, 0x3c00],
      [1 + 3 * 2 ** -11, 0x3c02],
      [-Infinity, 0xfc00],
    ];
    for (const [value, bits] of cases) assert.equal(toHalfBits(value), bits, `${value}`);
    assert.equal(fromHalfBits(0x2e66), 0.0999755859375);
    assert.equal(fromHalfBits(0x0001), 2 ** -24);
    assert.ok(Number.isNaN(fromHalfBits(toHalfBits(Number.NaN))));
  });

  test('write 64-bit integers beyond 2^53 as decimal strings and non-finite floats as names', () => {
    const big = {
      type: 'int64',
      dims: [3],
      data: BigInt64Array.from([2n ** 53n - 1n, 2n ** 53n + 1n, -5n]),
    } as const;
    assert.deepEqual(fromTensorData(big), [2 ** 53 - 1, '9007199254740993', -5]);
    const floats = {
      type: 'float32',
      dims: [3],
      data: Float32Array.from([Number.NaN, -Infinity, 0.5]),
    } as const;
    assert.deepEqual(fromTensorData(floats), ['NaN', '-Infinity', 0.5]);
    const flags = { type: 'bool', dims: [2], data: Uint8Array.from([0, 1]) } as const;
    assert.deepEqual(fromTensorData(flags), [false, true]);
  });

  test('write JSON text directly that says what JSON.stringify of the values says', () => {
    const tensors = [
      { type: 'float32', data: Float32Array.from([0.1, -0, 1e-7, 3e38, Number.NaN, -Infinity]) },
      { type: 'float64', data: Float64Array.from([1e21, 5e-324, 2 / 3, Infinity, -1.5]) },
      { type: 'float32', data: new Float32Array(0) },
      { type: 'int8', data: Int8Array.from([-128, 0, 127]) },
      { type: 'uint32', data: Uint32Array.from([0, 2 ** 32 - 1]) },
      { type: 'int64', data: BigInt64Array.from([2n ** 53n + 1n, -7n]) },
      { type: 'bool', data: Uint8Array.from([1, 0]) },
      { type: 'string', data: ['a"b', 'ü\n'] },
    ] as const;
    for (const each of tensors) {
      const tensor = { ...each, dims: [each.data.length] } as Tensor;
      assert.equal(tensorDataJson(tensor), JSON.stringify(fromTensorData(tensor)), each.type);
    }
  });
});

describe('tensor handler', () => {
  test('answers with every output, or those asked for, and the request id', async () => {
    const handler = createTensorHandler();
    const plain = request(JSON.stringify({ a: [[0, 0, 0]], b: [[1, 2, 3]] }));
    await handler.preprocess(plain, context);
    const response = await handler.postprocess({ ...outputs }, plain, context);
    assert.equal(response.contentType, 'application/json');
    assert.deepEqual(JSON.parse(String(response.body)), {
      model_name: 'add',
      model_version: '2.0',
      id: 'server-id',
      outputs: [
        { name: 'sum', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
        { name: 'count', shape: [], datatype: 'INT64', data: ['4611686018427387904'] },
      ],
    });
    const full = {
      id: 'mine',
      inputs: [row('a', 'FP32', [1, 3], [0, 0, 0]), row('b', 'FP32', [1, 3], [1, 2, 3])],
      outputs: [{ name: 'count' }],
    };
    const asking = request(JSON.stringify(full), 'data');
    await handler.preprocess(asking, context);
    const answer = JSON.parse(
      String((await handler.postprocess({ ...outputs }, asking, context)).body),
    ) as { id: string; outputs: { name: string }[] };
    assert.deepEqual([answer.id, answer.outputs.map((output) => output.name)], ['mine', ['count']]);
  });

  test('refuses bodies that are not JSON, two payloads, and unknown outputs', () => {
    const handler = createTensorHandler();
    assert.throws(() => handler.preprocess(request('a=1'), context), {
      name: 'TypeError',
      message: /^Input 'body' must be JSON: /,
    });
    assert.throws(() => handler.preprocess(request(''), context), {
      name: 'TypeError',
      message: "Input 'body' is empty; expected JSON.",
    });
    const twice = {
      ...request('{}', 'data'),
      inputs: [...request('{}', 'data').inputs, ...request('{}', 'data').inputs],
    };
    assert.throws(() => handler.preprocess(twice, context), {
      name: 'TypeError',
      message: "Input 'data' must be sent once, got 2 parts.",
    });
    const body = {
      inputs: [row('a', 'FP32', [1, 3], [0, 0, 0]), row('b', 'FP32', [1, 3], [1, 2, 3])],
      outputs: [{ name: 'mean' }],
    };
    assert.throws(() => handler.preprocess(request(JSON.stringify(body)), context), {
      name: 'TypeError',
      message: "Unknown output 'mean'; the model gives 'sum', 'count'.",
    });
    const bytes = {
      requestId: 'x',
      inputs: [{ name: 'body', data: Uint8Array.from([0xff, 0xfe]) }],
      headers: {},
    };
    assert.throws(() => handler.preprocess(bytes, context), {
      name: 'TypeError',
      message: "Input 'body' must be UTF-8 text.",
    });
  });
});
