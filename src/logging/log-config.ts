import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Level } from 'pino';
import { parse } from 'yaml';

const levels: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The server's logs, by the name a log config uses for them. */
export const logNames = ['server', 'access', 'model', 'metrics'] as const;
export type LogName = (typeof logNames)[number];

/** TorchServe's file names, under the log directory. */
const defaultFiles: Readonly<Record<LogName, string>> = {
  server: 'ts_log.log',
  access: 'access_log.log',
  model: 'model_log.log',
  metrics: 'ts_metrics.log',
};

/** Where a log goes: an absolute file path, the process's `stdout` or `stderr`, or nowhere. */
export type LogDestination = { kind: 'file'; path: string } | { kind: 'stdout' | 'stderr' | 'off' };

export interface LogTarget {
  readonly level: Level;
  readonly destination: LogDestination;
}

export interface LogConfig {
  /** Whether the human-facing lines (`Model server started.`) also go to stdout. */
  readonly console: boolean;
  readonly logs: Readonly<Record<LogName, LogTarget>>;
}

/**
 * Reads `--log-config`, a small YAML or JSON file. Every key is optional:
 *
 *     level: info              # the default level of every log
 *     console: true            # the human lines on stdout
 *     server:  { level: debug, file: ts_log.log }
 *     access:  { file: off }   # a path (relative to the log directory), stdout, stderr or off
 *     model:   { level: warn }
 *     metrics: { file: /var/log/onnxserve/metrics.log }
 *
 * A wrong key or value is an error naming the file, the key and the value.
 */
export function readLogConfig(path: string | undefined, logDir: string): LogConfig {
  const document = path === undefined ? {} : parseDocument(path);
  const fail = (key: string, value: unknown, expected: string): never => {
    throw new RangeError(`${path ?? 'log config'}: ${key}=${JSON.stringify(value)}: ${expected}`);
  };
  for (const key of Object.keys(document)) {
    if (!['level', 'console', ...logNames].includes(key))
      fail(key, document[key], `unknown key; expected level, console, ${logNames.join(', ')}`);
  }

  const level = levelOf(document.level ?? 'info', 'level', fail);
  const console = document.console ?? true;
  if (typeof console !== 'boolean') fail('console', console, 'expected true or false');

  const logs = Object.fromEntries(
    logNames.map((name) => [name, targetOf(name, document[name], level, logDir, fail)]),
  ) as Record<LogName, LogTarget>;
  return { console: console as boolean, logs };
}

type Fail = (key: string, value: unknown, expected: string) => never;

function parseDocument(path: string): Record<string, unknown> {
  const document: unknown = parse(readFileSync(path, 'utf8'));
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new RangeError(`${path}: expected a mapping of log settings`);
  }
  return document as Record<string, unknown>;
}

function levelOf(value: unknown, key: string, fail: Fail): Level {
  const match = levels.find(
    (candidate) => typeof value === 'string' && candidate === value.toLowerCase(),
  );
  return match ?? fail(key, value, `expected one of ${levels.join(', ')}`);
}

function targetOf(
  name: LogName,
  section: unknown,
  defaultLevel: Level,
  logDir: string,
  fail: Fail,
): LogTarget {
  const fallback = join(logDir, defaultFiles[name]);
  if (section === undefined || section === null) {
    return { level: defaultLevel, destination: { kind: 'file', path: fallback } };
  }
  if (typeof section !== 'object' || Array.isArray(section)) {
    return fail(name, section, 'expected a mapping with level and/or file');
  }
  const { level, file, ...rest } = section as Record<string, unknown>;
  const [unknown] = Object.keys(rest);
  if (unknown !== undefined) fail(`${name}.${unknown}`, rest[unknown], 'expected level or file');
  return {
    level: level === undefined ? defaultLevel : levelOf(level, `${name}.level`, fail),
    destination: destinationOf(file, fallback, logDir, `${name}.file`, fail),
  };
}

function destinationOf(
  file: unknown,
  fallback: string,
  logDir: string,
  key: string,
  fail: Fail,
): LogDestination {
  if (file === undefined) return { kind: 'file', path: fallback };
  if (file === false || file === 'off') return { kind: 'off' };
  if (file === 'stdout' || file === 'stderr') return { kind: file };
  if (typeof file !== 'string' || file.trim() === '') {
    return fail(key, file, 'expected a file path, stdout, stderr or off');
  }
  return { kind: 'file', path: isAbsolute(file) ? file : join(logDir, file) };
}
