import { open, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { invalidModel, quote } from './invalid.js';
import { MANIFEST_PATH } from './manifest.js';

/** Manifests and model configs are small; a bigger one is not what it claims to be. */
const MAX_METADATA_BYTES = 1024 * 1024;

/**
 * The directory whose `MAR-INF/MANIFEST.json` describes the model: `root` itself, or, as in
 * TorchServe, its only entry when that is a directory (tar archives of a folder look like that).
 */
export async function findModelRoot(root: string): Promise<string> {
  if (await isFile(join(root, MANIFEST_PATH))) return root;
  const entries = await readdir(root, { withFileTypes: true });
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only?.isDirectory() === true && (await isFile(join(root, only.name, MANIFEST_PATH)))) {
    return join(root, only.name);
  }
  throw invalidModel(`Model archive has no ${MANIFEST_PATH}`);
}

/**
 * The absolute path of a file the manifest names, which must be a plain relative path to a
 * regular file inside `dir`.
 */
export async function requireModelFile(dir: string, path: string, field: string): Promise<string> {
  const target = insidePath(dir, path, field);
  if (!(await isFile(target))) {
    throw invalidModel(`${field} ${quote(path)} is not in the model archive`);
  }
  return target;
}

export function insidePath(dir: string, path: string, field: string): string {
  const segments = path.split(/[\\/]/);
  const target = resolve(dir, path);
  const rel = relative(dir, target);
  const outside = rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || segments.includes('..') || outside) {
    throw invalidModel(`${field} ${quote(path)} must be a relative path inside the model archive`);
  }
  return target;
}

/** Reads a small text file, refusing one larger than a manifest or config can sensibly be. */
export async function readMetadataFile(path: string, label: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_METADATA_BYTES) {
      throw invalidModel(`${label} is larger than ${MAX_METADATA_BYTES} bytes`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

export async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() === true;
}
