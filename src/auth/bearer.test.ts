import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuthorization } from './bearer.js';

describe('Authorization header parsing', () => {
  it('reads a bearer key with the scheme word in any case', () => {
    for (const header of ['Bearer abc', 'bearer abc', 'BEARER\tabc', '  Bearer   abc  ']) {
      assert.deepEqual(parseAuthorization(header), { kind: 'bearer', key: 'abc' }, header);
    }
  });

  it('tells missing from malformed', () => {
    assert.deepEqual(parseAuthorization(undefined), { kind: 'missing' });
    assert.deepEqual(parseAuthorization('   '), { kind: 'missing' });
    for (const header of [
      'abc',
      'Bearer',
      'Bearer ',
      'Basic abc',
      'Token abc',
      'Bearer a b',
      'Bearerabc',
    ]) {
      assert.deepEqual(parseAuthorization(header), { kind: 'malformed' }, header);
    }
  });
});
