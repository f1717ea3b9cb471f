import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonString } from './json-string.js';

test('jsonString writes what JSON.stringify writes', () => {
  const strings = [
    '',
    'tiny_inline_batched',
    '4a2a4b4b-b8fb-411e-80e1-1a1751365a66',
    '/predictions/m?x=1&y=%20',
    'say "hi"',
    'back\\slash',
    'line\nbreak\ttab\u0000nul\u001f',
    'del\u007f',
    'ü and 字',
    '\u2028\u2029',
    'lone \ud800 surrogate',
    '😀',
  ];
  for (const value of strings) assert.equal(jsonString(value), JSON.stringify(value), value);
});
