import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isExpired, issueKey, issueKeySet, rotateKey, sameKey } from './keys.js';

describe('keys', () => {
  it('carry 256 random bits as 43 base64url characters, all distinct', () => {
    const texts = new Set(Array.from({ length: 200 }, () => issueKey('inference', undefined).text));
    assert.equal(texts.size, 200);
    for (const text of texts) {
      assert.match(text, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(text, 'base64url').length, 32);
    }
  });

  it('compare equal only to themselves, whatever the length presented', () => {
    const key = issueKey('management', undefined);
    assert.ok(sameKey(Buffer.from(key.text), key));
    assert.ok(!sameKey(Buffer.from(`${key.text}x`), key));
    assert.ok(!sameKey(Buffer.from(key.text.slice(1)), key));
    const flipped = `${key.text.slice(0, -1)}${key.text.endsWith('A') ? 'B' : 'A'}`;
    assert.ok(!sameKey(Buffer.from(flipped), key));
    assert.ok(!sameKey(Buffer.alloc(0), key));
  });

  it('expire at their expiration instant; the API key never does', () => {
    const now = 1_000_000;
    const keys = issueKeySet(now, 15_000);
    assert.equal(keys.management.expiresAt, now + 15_000);
    assert.ok(!isExpired(keys.management, now + 14_999));
    assert.ok(isExpired(keys.management, now + 15_000));
    assert.ok(!isExpired(keys.token, Number.MAX_SAFE_INTEGER));
  });

  it('rotate one kind and leave the others as they were', () => {
    const keys = issueKeySet(0, 1000);
    const rotated = rotateKey(keys, 'inference', 500, 1000);
    assert.notEqual(rotated.inference.text, keys.inference.text);
    assert.equal(rotated.inference.expiresAt, 1500);
    assert.equal(rotated.management, keys.management);
    assert.equal(rotated.token, keys.token);
  });
});
