/** Bounds on what extracting one archive may produce. Every value is checked while streaming. */
export interface ArchiveLimits {
  /** Entries in the archive, directories included. */
  readonly maxEntries: number;
  /** Bytes one entry may inflate to. */
  readonly maxEntryBytes: number;
  /** Bytes all entries together may inflate to. */
  readonly maxTotalBytes: number;
  /** Inflated bytes per compressed byte, checked once an entry has inflated past 1 MiB. */
  readonly maxCompressionRatio: number;
}

const GiB = 1024 ** 3;

/** Room for a model of a few gigabytes with its external weights and a few thousand extra files. */
export const defaultArchiveLimits: ArchiveLimits = Object.freeze({
  maxEntries: 10_000,
  maxEntryBytes: 2 * GiB,
  maxTotalBytes: 4 * GiB,
  maxCompressionRatio: 200,
});

export function resolveLimits(partial: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const limits = { ...defaultArchiveLimits, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new RangeError(`archive limit ${key}=${String(value)}: expected a positive number`);
    }
  }
  return Object.freeze(limits);
}
