import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Level } from 'pino';
import { jsonString } from '../json-string.js';
import type { LogDestination } from './log-config.js';

/** One request's line: flat fields of strings, numbers or booleans. */
export type AccessLine = Readonly<Record<string, string | number | boolean | undefined>>;

/** The access log as the request paths use it: one line per request, info or error. */
export interface AccessLog {
  info(line: AccessLine): void;
  error(line: AccessLine): void;
  /** Writes out what is buffered, synchronously. */
  flush(): void;
  /** Flushes and closes the file; lines after this are dropped. */
  close(): void;
}

/** pino's numeric levels, so access lines read like every other log line. */
const levelValues = pino.levels.values as Readonly<Record<Level, number>>;

/** Lines are gathered up to this many characters before one write. */
const BLOCK_CHARS = 64 * 1024;

/**
 * The access log, written for speed: it is on every request's path. Each line is built by hand
 * (the same JSON a pino logger writes: `level`, `time`, then the fields) and gathered in memory;
 * a block goes out in one write once it reaches 64 KiB, when the caller's timer calls `flush`
 * (every second), and at close.
 */
export function createAccessLog(destination: LogDestination, level: Level): AccessLog {
  if (destination.kind === 'off') return silentAccessLog;
  const fd = openFd(destination);
  let pending = '';
  let closed = false;

  const flush = (): void => {
    if (pending.length === 0) return;
    pending = writeOut(fd, pending);
  };
  const append = (levelValue: number, line: AccessLine): void => {
    if (closed) return;
    pending += format(levelValue, line);
    if (pending.length >= BLOCK_CHARS) flush();
  };

  const infoValue = levelValues.info;
  const errorValue = levelValues.error;
  const threshold = levelValues[level];
  return {
    info: threshold <= infoValue ? (line) => append(infoValue, line) : () => undefined,
    error: threshold <= errorValue ? (line) => append(errorValue, line) : () => undefined,
    flush,
    close(): void {
      if (closed) return;
      flush();
      closed = true;
      if (destination.kind === 'file') closeSync(fd);
    },
  };
}

/** Kept for a destination that cannot take more (a full pipe) before lines are dropped. */
const MAX_PENDING_CHARS = 16 * 1024 * 1024;

/**
 * Writes `text`; returns what is left for the next flush. A pipe that is full (EAGAIN) keeps the
 * rest, up to a bound; any other failure drops the block: losing log lines beats losing the
 * server, and this runs from a timer where a throw would end the process.
 */
function writeOut(fd: number, text: string): string {
  const bytes = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    return '';
  } catch (error: unknown) {
    const full = (error as NodeJS.ErrnoException).code === 'EAGAIN';
    const rest = full ? bytes.subarray(offset).toString() : '';
    return rest.length > MAX_PENDING_CHARS ? '' : rest;
  }
}

const silentAccessLog: AccessLog = {
  info: () => undefined,
  error: () => undefined,
  flush: () => undefined,
  close: () => undefined,
};

function openFd(destination: LogDestination): number {
  if (destination.kind === 'file') {
    mkdirSync(dirname(destination.path), { recursive: true });
    return openSync(destination.path, 'a', 0o640);
  }
  return destination.kind === 'stderr' ? 2 : 1;
}

/** `{"level":30,"time":…,"field":value,…}` and a newline; strings are JSON-escaped. */
function format(levelValue: number, line: AccessLine): string {
  let text = `{"level":${levelValue},"time":${Date.now()}`;
  for (const key in line) {
    const value = line[key];
    if (value === undefined) continue;
    // Keys are the server's own identifiers; values may come from the client, so they are escaped.
    text += `,"${key}":${typeof value === 'string' ? jsonString(value) : String(value)}`;
  }
  return `${text}}\n`;
}
