import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pino, type Logger, type Level } from 'pino';
import { consoleStream } from './console-stream.js';

export type { Logger } from 'pino';

export interface LogOptions {
  readonly logDir: string;
  readonly level: Level;
  /** Where the human-facing lines go; `null` keeps them off the console. */
  readonly console: Writable | null;
}

/** The server's log destinations: the JSON server log and the access log, both under logDir. */
export interface Logs {
  readonly server: Logger;
  readonly access: Logger;
  /** Writes out what is buffered; safe to call more than once. */
  flush(): void;
}

/** Never logged, whatever a caller passes: credentials in headers. */
const redact = {
  paths: ['headers.authorization', 'req.headers.authorization', '*.authorization'],
  censor: '[redacted]',
};

export function createLogs(options: LogOptions): Logs {
  mkdirSync(options.logDir, { recursive: true });
  const serverFile = pino.destination({ dest: join(options.logDir, 'ts_log.log'), sync: true });
  const accessFile = pino.destination({
    dest: join(options.logDir, 'access_log.log'),
    minLength: 4096,
    sync: false,
  });

  const streams: pino.StreamEntry[] = [{ stream: serverFile, level: options.level }];
  if (options.console !== null) {
    streams.push({ stream: consoleStream(options.console), level: 'info' });
  }
  const server = pino({ level: options.level, redact, base: undefined }, pino.multistream(streams));
  const access = pino({ base: undefined, redact }, accessFile);

  return {
    server,
    access,
    flush(): void {
      accessFile.flushSync();
    },
  };
}

/** A logger that writes nothing, for code paths and tests that need one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
