import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkedDecoder } from './chunked.js';
import { BodyError } from './message.js';

/** Decodes `wire` fed `step` bytes at a time: the body and what followed it. */
function decode(wire: string, step = wire.length): { body: string; rest: string | undefined } {
  const decoder = new ChunkedDecoder();
  const parts: Buffer[] = [];
  const bytes = Buffer.from(wire, 'latin1');
  for (let at = 0; at < bytes.length; at += step) {
    const rest = decoder.push(bytes.subarray(at, at + step), (data) =>
      parts.push(Buffer.from(data)),
    );
    if (rest !== undefined) {
      const after = Buffer.concat([rest, bytes.subarray(at + step)]).toString('latin1');
      return { body: Buffer.concat(parts).toString('latin1'), rest: after };
    }
  }
  return { body: Buffer.concat(parts).toString('latin1'), rest: undefined };
}

describe('ChunkedDecoder', () => {
  const wire = '5\r\nhello\r\nA;name=value\r\n, world!!!\r\n0\r\nTrailer: x\r\n\r\nNEXT';

  it('decodes chunks, skips extensions and trailers, and hands back what follows', () => {
    for (const step of [1, 2, 3, 7, wire.length]) {
      assert.deepEqual(
        decode(wire, step),
        { body: 'hello, world!!!', rest: 'NEXT' },
        `step ${step}`,
      );
    }
  });

  it('waits for the end of the body', () => {
    assert.deepEqual(decode('5\r\nhel'), { body: 'hel', rest: undefined });
    assert.deepEqual(decode('0\r\n'), { body: '', rest: undefined });
  });

  it('refuses malformed framing instead of guessing', () => {
    const bad = [
      'x\r\n',
      '\r\n',
      '-5\r\nhello\r\n',
      '+5\r\nhello\r\n',
      '5\nhello\r\n',
      '5\r\nhelloX\r\n',
      '5\r\nhello\n0\r\n\r\n',
      '1234567890abc\r\n',
      `5;${'e'.repeat(2000)}\r\n`,
      '0\r\nTrailer: x\n\r\n',
    ];
    for (const text of bad) {
      assert.throws(() => decode(text), BodyError, JSON.stringify(text));
    }
  });
});
