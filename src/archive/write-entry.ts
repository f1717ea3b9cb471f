import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidModel, quote } from './invalid.js';

/** The absolute path of an entry; refuses, once more, anything that resolves outside `root`. */
export function entryTarget(root: string, path: string): string {
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw invalidModel(`Archive entry ${quote(path)} leaves the archive directory`);
  }
  return target;
}

export async function makeEntryDirectory(root: string, path: string): Promise<void> {
  if (path === '') return;
  await mkdir(entryTarget(root, path), { recursive: true });
}

/**
 * Streams one entry to a new file. The file must not exist yet (`wx`), so nothing already on disk
 * is ever overwritten or followed; permissions from the archive are not kept.
 */
export async function writeEntryFile(
  root: string,
  path: string,
  source: Readable,
  stages: readonly Transform[],
): Promise<void> {
  const target = entryTarget(root, path);
  await mkdir(dirname(target), { recursive: true });
  const sink = createWriteStream(target, { flags: 'wx', mode: 0o644 });
  await pipeline([source, ...stages, sink]);
}
