import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'onnxserve-models-';

/**
 * A fresh directory for this server's extracted archives, named after its process id. A server
 * that crashed could not remove its own; those of processes no longer running are removed here.
 */
export function makeExtractRoot(parent = tmpdir(), pid = process.pid): string {
  removeAbandoned(parent);
  return mkdtempSync(join(parent, `${PREFIX}${pid}-`));
}

function removeAbandoned(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const owner = ownerOf(name);
    if (owner === undefined || isRunning(owner)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function ownerOf(name: string): number | undefined {
  const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
  return match === null ? undefined : Number(match[1]);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
