import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ServeError } from '../errors/index.js';
import { extractTarGz } from './extract-tar.js';
import { extractZip } from './extract-zip.js';
import { invalidModel } from './invalid.js';
import { resolveLimits, type ArchiveLimits } from './limits.js';
import { loadModelDir, type ModelArchive } from './model-archive.js';

export interface OpenArchiveOptions {
  /** Archives are extracted into a new directory under this one (created when missing). */
  readonly extractRoot: string;
  readonly limits?: Partial<ArchiveLimits>;
}

/**
 * Opens a `.mar` (zip), a `.tar.gz`/`.tgz`, or a directory holding `MAR-INF/MANIFEST.json`.
 * Archives are told apart by their first bytes, not their names. A directory is read in place and
 * never written to. A refused archive leaves nothing on disk.
 */
export async function openArchive(
  source: string,
  options: OpenArchiveOptions,
): Promise<ModelArchive> {
  const path = resolve(source);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) {
    throw new ServeError('ModelNotFoundException', `Model not found at: ${source}`);
  }
  const fallbackName = archiveStem(path);
  if (info.isDirectory()) {
    return loadModelDir(path, { format: 'directory', extractedDir: undefined, fallbackName });
  }
  const limits = resolveLimits(options.limits);
  const format = await detectFormat(path);
  await mkdir(options.extractRoot, { recursive: true });
  const target = await mkdtemp(join(resolve(options.extractRoot), `${safePrefix(fallbackName)}-`));
  try {
    await (format === 'zip' ? extractZip : extractTarGz)(path, target, limits);
    return await loadModelDir(target, { format, extractedDir: target, fallbackName });
  } catch (error: unknown) {
    await rm(target, { recursive: true, force: true });
    throw archiveError(error, basename(path));
  }
}

/** Removes what `openArchive` extracted; a directory opened in place is left alone. */
export async function discardArchive(archive: ModelArchive): Promise<void> {
  if (archive.extractedDir === undefined) return;
  await rm(archive.extractedDir, { recursive: true, force: true });
}

async function detectFormat(path: string): Promise<'zip' | 'tgz'> {
  const handle = await open(path, 'r');
  const magic = Buffer.alloc(4);
  try {
    await handle.read(magic, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (magic[0] === 0x50 && magic[1] === 0x4b) return 'zip';
  if (magic[0] === 0x1f && magic[1] === 0x8b) return 'tgz';
  throw invalidModel(`${basename(path)} is neither a zip (.mar) nor a gzip-compressed tar archive`);
}

function archiveStem(path: string): string {
  return basename(path).replace(/\.(mar|tar\.gz|tgz|model)$/i, '');
}

function safePrefix(stem: string): string {
  return stem.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'model';
}

const entryErrorCodes = new Set(['EEXIST', 'ENAMETOOLONG', 'EISDIR', 'ENOTDIR', 'EILSEQ']);

/**
 * Library errors about the archive's bytes become 400s; a full disk is a 507; any other system
 * error is the server's own problem and stays as it is.
 */
function archiveError(error: unknown, name: string): unknown {
  if (error instanceof ServeError) return error;
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (code === 'ENOSPC') {
    return new ServeError(
      'InsufficientStorageException',
      `Not enough disk space to extract ${name}`,
    );
  }
  if (syscall !== undefined && !entryErrorCodes.has(code ?? '')) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return invalidModel(`Invalid model archive ${name}: ${reason}`);
}
