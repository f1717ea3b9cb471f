import { mkdirSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { pino, type Level, type Logger } from 'pino';
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
  readonly access: Logger;
  /** What handler code prints, one JSON line per line printed: `model_log.log`. */
  readonly model: Logger;
  /** Where `metrics_mode=log` writes its lines (`ts_metrics.log`). */
  readonly metrics: LogDestination;
  /** Writes out what is buffered; safe to call more than once. */
  flush(): void;
}

type Destination = ReturnType<typeof pino.destination>;

/** Never logged, whatever a caller passes: credentials in headers. */
const redact = {
  paths: ['headers.authorization', 'req.headers.authorization', '*.authorization'],
  censor: '[redacted]',
};

export function createLogs(options: LogOptions): Logs {
  mkdirSync(options.logDir, { recursive: true });
  const { logs } = options.config;
  const buffered: Destination[] = [];
  const open = (target: LogTarget, minLength: number): Destination | null => {
    const destination = openDestination(target.destination, minLength);
    if (destination !== null && minLength > 0) buffered.push(destination);
    return destination;
  };

  const serverFile = open(logs.server, 0);
  const streams: pino.StreamEntry[] = [];
  if (serverFile !== null) streams.push({ stream: serverFile, level: logs.server.level });
  if (options.config.console && options.console !== null) {
    streams.push({ stream: consoleStream(options.console), level: 'info' });
  }
  const server = pino(
    { level: lowest(streams.map((stream) => stream.level ?? 'info')), redact, base: undefined },
    pino.multistream(streams),
  );

  const access = fileLogger(logs.access, open(logs.access, 4096));
  const flush = (): void => {
    for (const destination of buffered) flushQuietly(destination);
  };
  // Buffered lines reach their file within a second, even when traffic is light.
  setInterval(flush, FLUSH_INTERVAL_MS).unref();

  return {
    server,
    access,
    model: fileLogger(logs.model, open(logs.model, 0)),
    metrics: logs.metrics.destination,
    flush,
  };
}

const FLUSH_INTERVAL_MS = 1000;

/** A destination still opening its file has nothing to flush yet. */
function flushQuietly(destination: Destination): void {
  try {
    destination.flushSync();
  } catch {
    // Not ready yet: its lines are written once it opens.
  }
}

function openDestination(destination: LogDestination, minLength: number): Destination | null {
  switch (destination.kind) {
    case 'off':
      return null;
    case 'stdout':
      return pino.destination({ dest: 1, sync: true });
    case 'stderr':
      return pino.destination({ dest: 2, sync: true });
    case 'file':
      return pino.destination({
        dest: destination.path,
        mkdir: true,
        minLength,
        sync: minLength === 0,
      });
  }
}

function fileLogger(target: LogTarget, destination: Destination | null): Logger {
  if (destination === null) return pino({ level: 'silent' });
  return pino({ level: target.level, base: undefined, redact }, destination);
}

const order: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The level a logger needs so that each of its streams gets what it asks for. */
function lowest(levels: readonly Level[]): Level | 'silent' {
  if (levels.length === 0) return 'silent';
  return order[Math.min(...levels.map((level) => order.indexOf(level)))] ?? 'info';
}

/** A logger that writes nothing, for code paths and tests that need one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
