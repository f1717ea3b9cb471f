import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processExists } from '../process-exists.js';

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
    if (owner === undefined || processExists(owner)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function ownerOf(name: string): number | undefined {
  const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
  return match === null ? undefined : Number(match[1]);
}
