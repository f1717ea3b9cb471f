import { isIP } from 'node:net';

/**
 * Parsers for raw setting values. Each one receives the text as written and the key it belongs
 * to, and throws TypeError (wrong kind) or RangeError (out of range) naming both.
 */
export type ValueParser<T> = (raw: string, key: string) => T;

function describe(key: string, raw: string): string {
  return `${key}=${JSON.stringify(raw)}`;
}

export const parseBoolean: ValueParser<boolean> = (raw, key) => {
  const text = raw.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new TypeError(`${describe(key, raw)}: expected true or false`);
};

export function integerIn(min: number, max: number = Number.MAX_SAFE_INTEGER): ValueParser<number> {
  return (raw, key) => {
    const text = raw.trim();
    if (!/^[+-]?\d+$/.test(text)) {
      throw new TypeError(`${describe(key, raw)}: expected a whole number`);
    }
    const value = Number(text);
    if (value < min || value > max) {
      throw new RangeError(`${describe(key, raw)}: expected a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

/** A finite decimal number in (0, max]; fractions allowed. */
export function positiveNumberUpTo(max: number): ValueParser<number> {
  return (raw, key) => {
    const text = raw.trim();
    if (!/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
      throw new TypeError(`${describe(key, raw)}: expected a number`);
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || value > max) {
      throw new RangeError(
        `${describe(key, raw)}: expected a number greater than 0 and at most ${max}`,
      );
    }
    return value;
  };
}

export function oneOf<const T extends string>(choices: readonly T[]): ValueParser<T> {
  return (raw, key) => {
    const text = raw.trim().toLowerCase();
    const match = choices.find((choice) => choice === text);
    if (match === undefined) {
      throw new RangeError(`${describe(key, raw)}: expected one of ${choices.join(', ')}`);
    }
    return match;
  };
}

export const parseText: ValueParser<string> = (raw) => raw.trim();

/** A value that must not be empty once trimmed. */
export const parseNonEmptyText: ValueParser<string> = (raw, key) => {
  const text = raw.trim();
  if (text === '') throw new TypeError(`${describe(key, raw)}: expected a value`);
  return text;
};

/** A host name or IP address; IPv6 may be written in brackets. */
export const parseHost: ValueParser<string> = (raw, key) => {
  const host = parseNonEmptyText(raw, key).replace(/^\[(.*)\]$/, '$1');
  if (/[\s/]/.test(host) || (host.includes(':') && isIP(host) !== 6)) {
    throw new TypeError(`${describe(key, raw)}: expected a host name or IP address`);
  }
  return host;
};

/** Comma-separated entries, trimmed, empties dropped. */
export const parseList: ValueParser<readonly string[]> = (raw) =>
  raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/** Comma-separated regular expressions, each compiled to prove it is valid. */
export const parsePatternList: ValueParser<readonly RegExp[]> = (raw, key) =>
  parseList(raw, key).map((source) => {
    try {
      return new RegExp(`^(?:${source})$`, 'i');
    } catch {
      throw new TypeError(
        `${describe(key, raw)}: ${JSON.stringify(source)} is not a valid regular expression`,
      );
    }
  });

export const parseJsonObject: ValueParser<Readonly<Record<string, unknown>>> = (raw, key) => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new TypeError(`${describe(key, raw)}: expected a JSON object`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${describe(key, raw)}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
};
