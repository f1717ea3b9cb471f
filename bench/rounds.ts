/** What one step of a round measures, under a name shared by all rounds. */
export type Steps<T> = Readonly<Record<string, () => Promise<T>>>;

/**
 * Runs every step once per round, `rounds` times, in the given order on even rounds and reversed
 * on odd ones (A B, B A, A B, …): drift in the machine's speed, and whatever a step leaves behind
 * for the next (garbage in the client, warm caches), land on every side alike.
 */
export async function interleave<T>(rounds: number, steps: Steps<T>): Promise<Record<string, T[]>> {
  const names = Object.keys(steps);
  const results: Record<string, T[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) results[name]?.push(await (steps[name] as () => Promise<T>)());
  }
  return results;
}
