import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from '../logging/index.js';
import type { WorkerThread } from './spawn.js';

/** Longest line kept from a handler's output; the rest of a longer line is cut. */
const MAX_LINE_LENGTH = 16 * 1024;

/**
 * Sends what a worker thread prints (a handler's `console.log`, `console.error`) to the model
 * log, a JSON line per printed line: stdout at info, stderr at warn. Without a model log the
 * output is read and dropped, so a chatty handler never fills memory.
 */
export function pipeThreadOutput(thread: WorkerThread, modelLog: Logger | undefined): void {
  pipeLines(thread.stdout, modelLog === undefined ? undefined : (line) => modelLog.info(line));
  pipeLines(thread.stderr, modelLog === undefined ? undefined : (line) => modelLog.warn(line));
}

function pipeLines(stream: Readable | null, write: ((line: string) => void) | undefined): void {
  if (stream === null) return;
  if (write === undefined) {
    stream.resume();
    return;
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.length > 0) write(line.slice(0, MAX_LINE_LENGTH));
  });
}
