import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Level } from 'pino';

const levels: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface LogConfig {
  readonly level: Level;
}

/**
 * Reads `--log-config`: a small YAML or JSON file, e.g. `level: debug`. Missing keys keep
 * their defaults; unknown levels are an error naming the file and the value.
 */
export function readLogConfig(path: string | undefined): LogConfig {
  if (path === undefined) return { level: 'info' };
  const document: unknown = parse(readFileSync(path, 'utf8'));
  const level = (document as { level?: unknown } | null)?.level ?? 'info';
  const match = levels.find(
    (candidate) => typeof level === 'string' && candidate === level.toLowerCase(),
  );
  if (match === undefined) {
    throw new RangeError(
      `${path}: level=${JSON.stringify(level)}: expected one of ${levels.join(', ')}`,
    );
  }
  return { level: match };
}
