import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureThrottle } from './throttle.js';

describe('failure throttle', () => {
  it('throttles an address at the limit until its window ends, and no other address', () => {
    const throttle = new FailureThrottle(3, 60_000);
    assert.equal(throttle.recordFailure('a', 0), false);
    assert.equal(throttle.recordFailure('a', 10), false);
    assert.equal(throttle.retryAfterMs('a', 20), 0);
    assert.equal(throttle.recordFailure('a', 20), true, 'the third failure reaches the limit');
    assert.equal(throttle.retryAfterMs('a', 30), 59_970);
    assert.equal(throttle.retryAfterMs('b', 30), 0);
    assert.equal(throttle.retryAfterMs('a', 60_000), 0, 'the window has passed');
    assert.equal(throttle.retryAfterMs('a', 60_001), 0);
  });

  it('starts a fresh window after the old one ends', () => {
    const throttle = new FailureThrottle(2, 1000);
    throttle.recordFailure('a', 0);
    throttle.recordFailure('a', 2000);
    assert.equal(throttle.retryAfterMs('a', 2001), 0, 'one failure in the new window');
  });

  it('stays bounded when many addresses fail', () => {
    const throttle = new FailureThrottle(1, 10);
    for (let index = 0; index < 25_000; index++) throttle.recordFailure(`10.0.${index}`, index);
    assert.equal(throttle.retryAfterMs('10.0.24999', 24_999), 10);
    assert.equal(throttle.retryAfterMs('10.0.0', 24_999), 0);
  });
});
