import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffSteps } from './backoff.js';

test('waits a Fibonacci number of units after each consecutive failure, capped', () => {
  const steps = Array.from({ length: 15 }, (_, i) => backoffSteps(i + 1));
  assert.deepEqual(steps, [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 144, 144, 144]);
});
