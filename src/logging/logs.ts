import { mkdirSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { pino, type Level, type Logger } from 'pino';
import { createAccessLog, type AccessLog } from './access-log.js';
import { consoleStream } from './console-stream.js';
import type { LogConfig, LogDestination, LogTarget } from './log-config.js';

export type { Logger } from 'pino';

export interface LogOptions {
  readonly logDir: string;
  readonly config: LogConfig;
  /** Where the human-facing lines go; `null` keeps them off the console. */
  readonly console: Writable | null;
}

/** The server's logs, each going where the log config says (files under logDir by default). */
export interface Logs {
  /** JSON lines about the server: `ts_log.log`. */
  readonly server: Logger;
  /** One JSON line per request: `access_log.log`. */
  readonly access: AccessLog;
  /** What handler code prints, one JSON line per line printed: `model_log.log`. */
  readonly model: Logger;
  /** Where `metrics_mode=log` writes its lines (`ts_metrics.log`). */
  readonly metrics: LogDestination;
  /** Writes out what is buffered; safe to call more than once. */
  flush(): void;
}

/** Never logged, whatever a caller passes: credentials in headers. */
const redact = {
  paths: ['headers.authorization', 'req.headers.authorization', '*.authorization'],
  censor: '[redacted]',
};

/** Buffered access lines reach their file within this time, even when traffic is light. */
const FLUSH_INTERVAL_MS = 1000;

export function createLogs(options: LogOptions): Logs {
  mkdirSync(options.logDir, { recursive: true });
  const { logs } = options.config;

  const streams: pino.StreamEntry[] = [];
  const serverFile = openDestination(logs.server.destination);
  if (serverFile !== null) streams.push({ stream: serverFile, level: logs.server.level });
  if (options.config.console && options.console !== null) {
    streams.push({ stream: consoleStream(options.console), level: 'info' });
  }
  const server = pino(
    { level: lowest(streams.map((stream) => stream.level ?? 'info')), redact, base: undefined },
    pino.multistream(streams),
  );

  const access = createAccessLog(logs.access.destination, logs.access.level);
  setInterval(() => access.flush(), FLUSH_INTERVAL_MS).unref();

  return {
    server,
    access,
    model: fileLogger(logs.model),
    metrics: logs.metrics.destination,
    flush: () => access.flush(),
  };
}

type Destination = ReturnType<typeof pino.destination>;

/** Line by line and synchronously: these logs are not on the path of every request. */
function openDestination(destination: LogDestination): Destination | null {
  switch (destination.kind) {
    case 'off':
      return null;
    case 'stdout':
      return pino.destination({ dest: 1, sync: true });
    case 'stderr':
      return pino.destination({ dest: 2, sync: true });
    case 'file':
      return pino.destination({ dest: destination.path, mkdir: true, sync: true });
  }
}

function fileLogger(target: LogTarget): Logger {
  const destination = openDestination(target.destination);
  if (destination === null) return pino({ level: 'silent' });
  return pino({ level: target.level, base: undefined, redact }, destination);
}

/** The level a logger needs so that each of its streams gets what it asks for. */
function lowest(levels: readonly Level[]): Level | 'silent' {
  const values = pino.levels.values as Readonly<Record<Level, number>>;
  const value = (level: Level): number => values[level];
  return levels.reduce<Level | 'silent'>(
    (low, level) => (low === 'silent' || value(level) < value(low) ? level : low),
    'silent',
  );
}

/** A logger that writes nothing, for code paths and tests that need one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
