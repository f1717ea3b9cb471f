/** Reads the model config's `handler:` section; a bad value names its key and fails the load. */
export type HandlerConfig = Readonly<Record<string, unknown>>;

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

export function booleanOption(config: HandlerConfig, key: string, fallback: boolean): boolean {
  const value = config[key] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`handler.${key} must be true or false, got ${describe(value)}.`);
  }
  return value;
}

/** A whole number of at least `min`; `false` or `null` turns the step off (gives `null`). */
export function sizeOption(
  config: HandlerConfig,
  key: string,
  fallback: number | null,
  min = 1,
): number | null {
  const value = Object.hasOwn(config, key) ? config[key] : fallback;
  if (value === null || value === false) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(
      `handler.${key} must be a whole number from ${min}, got ${describe(value)}.`,
    );
  }
  return value;
}

export function numbersOption(
  config: HandlerConfig,
  key: string,
  fallback: readonly number[],
): readonly number[] {
  const value = config[key] ?? fallback;
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every(Number.isFinite)) {
    throw new TypeError(`handler.${key} must be a list of numbers, got ${describe(value)}.`);
  }
  return list as number[];
}

export function namesOption(config: HandlerConfig, key: string): readonly string[] | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) {
    throw new TypeError(`handler.${key} must be a list of names, got ${describe(value)}.`);
  }
  return value;
}
