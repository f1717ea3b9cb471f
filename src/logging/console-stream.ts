import type { Writable } from 'node:stream';

const levelNames: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * Turns the server log's JSON lines into the human lines TorchServe users read on stdout:
 * `<time> <LEVEL> <message>` and nothing else.
 */
export function consoleStream(out: Writable): { write(line: string): void } {
  return {
    write(line: string): void {
      const record = JSON.parse(line) as { time?: number; level?: number; msg?: string };
      const time = new Date(record.time ?? Date.now()).toISOString();
      const level = levelNames[record.level ?? 30] ?? 'INFO';
      out.write(`${time} ${level.padEnd(5)} ${record.msg ?? ''}\n`);
    },
  };
}
