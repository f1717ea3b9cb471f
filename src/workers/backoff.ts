/** The longest wait between restarts, in units: the 12th Fibonacci number, as TorchServe caps. */
const maxSteps = 144;

/**
 * How many back-off units to wait before the next start after `failures` consecutive failures:
 * 1, 1, 2, 3, 5, 8, … capped at 144.
 */
export function backoffSteps(failures: number): number {
  let previous = 0;
  let current = 1;
  for (let step = 1; step < failures && current < maxSteps; step++) {
    [previous, current] = [current, previous + current];
  }
  return Math.min(current, maxSteps);
}
