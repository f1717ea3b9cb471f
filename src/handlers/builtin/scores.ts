import type { Labels } from './labels.js';

/** Probabilities from logits, computed in doubles and shifted by the maximum to stay finite. */
export function softmax(logits: ArrayLike<number>): number[] {
  const values = Array.from(logits);
  const largest = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - largest));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

/** The `topk` best scores, highest first, keyed by label; ties keep the lower index first. */
export function rankScores(
  scores: readonly number[],
  labels: Labels,
  topk: number = scores.length,
): Map<string, number> {
  const order = scores.map((_, index) => index);
  order.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  const ranked = new Map<string, number>();
  for (const index of order.slice(0, topk)) ranked.set(labels(index), scores[index] ?? 0);
  return ranked;
}

/** Row `row` of a `[rows, width]` output as numbers. */
export function rowOf(data: ArrayLike<number>, row: number, width: number): number[] {
  return Array.from({ length: width }, (_, column) => data[row * width + column] ?? 0);
}
