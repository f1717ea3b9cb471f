import { pino } from 'pino';
import type { LogDestination } from '../logging/index.js';

type Destination = ReturnType<typeof pino.destination>;

/**
 * The metrics log (`ts_metrics.log` by default): opened on the first line, so modes that log
 * nothing leave no file.
 */
export class MetricsLog {
  private file: Destination | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly destination: LogDestination) {}

  readonly write = (line: string): void => {
    if (this.closing !== undefined || this.destination.kind === 'off') return;
    this.file ??= open(this.destination);
    this.file.write(`${line}\n`);
  };

  /** Writes out what is buffered and closes the file; lines after this are dropped. */
  close(): Promise<void> {
    this.closing ??= this.end();
    return this.closing;
  }

  private async end(): Promise<void> {
    const file = this.file;
    // stdout and stderr are written synchronously and stay open for the process.
    if (file === undefined || this.destination.kind !== 'file') return;
    await new Promise<void>((resolve) => {
      file.once('close', () => resolve());
      file.end();
    });
  }
}

function open(destination: Exclude<LogDestination, { kind: 'off' }>): Destination {
  if (destination.kind === 'file') {
    return pino.destination({ dest: destination.path, mkdir: true, sync: false });
  }
  return pino.destination({ dest: destination.kind === 'stdout' ? 1 : 2, sync: true });
}
