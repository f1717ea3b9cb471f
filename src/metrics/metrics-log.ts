import { join } from 'node:path';
import { pino } from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/** `ts_metrics.log`: opened on the first line, so modes that log nothing leave no file. */
export class MetricsLog {
  private file: Destination | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly logDir: string) {}

  readonly write = (line: string): void => {
    if (this.closing !== undefined) return;
    this.file ??= pino.destination({
      dest: join(this.logDir, 'ts_metrics.log'),
      mkdir: true,
      sync: false,
    });
    this.file.write(`${line}\n`);
  };

  /** Writes out what is buffered and closes the file; lines after this are dropped. */
  close(): Promise<void> {
    this.closing ??= this.end();
    return this.closing;
  }

  private async end(): Promise<void> {
    const file = this.file;
    if (file === undefined) return;
    await new Promise<void>((resolve) => {
      file.once('close', () => resolve());
      file.end();
    });
  }
}
