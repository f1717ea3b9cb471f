import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayUrl, failed } from './download.js';

describe('download messages', () => {
  it('never repeat credentials embedded in a URL', () => {
    assert.equal(
      displayUrl('https://user:s3cret@models.example/m.mar'),
      'https://***@models.example/m.mar',
    );
    assert.equal(displayUrl('https://models.example/m.mar'), 'https://models.example/m.mar');
    assert.equal(displayUrl('not a url'), 'not a url');
    assert.ok(!failed('https://a:b@h/x.mar').message.includes('b@'));
  });
});
