import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { processExists } from '../process-exists.js';

/** Command-line fragments that identify an onnxserve server process. */
const serverMarkers = ['onnxserve', 'torchserve', 'cli/main.js', 'cli/main.ts'];

function isAlive(pid: number): boolean {
  if (!processExists(pid)) return false;
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return serverMarkers.some((marker) => commandLine.includes(marker));
  } catch {
    return true;
  }
}

/** The pid of the server the pid file names, if that process is alive and is ours. */
export function runningServerPid(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

export class AlreadyRunningError extends Error {}

/**
 * Records this process in the pid file, created exclusively. A file naming a live server is a
 * refusal; a file left by a dead one is replaced.
 */
export function claimPidFile(path: string, pid: number = process.pid): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${pid}\n`, { flag: 'wx', mode: 0o644 });
      return;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (runningServerPid(path) !== undefined) throw new AlreadyRunningError(path);
    removePidFile(path);
  }
  throw new AlreadyRunningError(path);
}

/** Removes the pid file if it still names `pid` (or any process when `pid` is omitted). */
export function removePidFile(path: string, pid?: number): void {
  try {
    if (pid !== undefined && Number.parseInt(readFileSync(path, 'utf8'), 10) !== pid) return;
    unlinkSync(path);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
