import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { expandGlob, hasGlobMagic } from './glob.js';

/** One file to put in the archive: where it is now and its path inside the archive. */
export interface ArchiveFile {
  readonly source: string;
  readonly archivePath: string;
}

const unwantedDirectories = new Set(['__MACOSX', '__pycache__']);
const unwantedFileEndings = ['.pyc', '.DS_Store', '.mar'];

/**
 * Files an archive gathers, keyed by their path in the archive. Two different sources for one
 * archive path are an error; the same source twice is kept once.
 */
export class ArchiveContents {
  private readonly files = new Map<string, string>();

  add(source: string, archivePath: string): void {
    const posixPath = archivePath.split(sep).join('/');
    if (posixPath === 'MAR-INF' || posixPath.startsWith('MAR-INF/')) {
      throw new Error(`${source}: MAR-INF/ is reserved for the archive's manifest`);
    }
    const existing = this.files.get(posixPath);
    if (existing !== undefined && existing !== source) {
      throw new Error(`two files would be stored as ${posixPath}: ${existing} and ${source}`);
    }
    this.files.set(posixPath, source);
  }

  list(): ArchiveFile[] {
    return [...this.files].map(([archivePath, source]) => ({ source, archivePath }));
  }
}

/** Adds a file at the archive root under its own name; it must exist and be a file. */
export async function addNamedFile(
  contents: ArchiveContents,
  path: string,
  flag: string,
): Promise<string> {
  if (!(await isFile(path))) throw new Error(`${flag}: file not found: ${path}`);
  contents.add(path, basename(path));
  return basename(path);
}

/**
 * `--extra-files`: each comma-separated item is a file (stored at the root under its name), a
 * directory (its contents stored at the root, sub-directories kept) or a glob of either.
 */
export async function addExtraFiles(
  contents: ArchiveContents,
  items: readonly string[],
  cwd: string,
): Promise<void> {
  for (const item of items.filter((entry) => entry !== '')) {
    const matches = hasGlobMagic(item)
      ? (await expandGlob(item, cwd)).filter((path) => !isUnwanted(basename(path)))
      : [resolve(cwd, item)];
    if (matches.length === 0) throw new Error(`--extra-files: nothing matches ${item}`);
    for (const path of matches) await addExtraPath(contents, path, item);
  }
}

async function addExtraPath(contents: ArchiveContents, path: string, item: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new Error(`--extra-files: file not found: ${item}`);
  if (info.isFile()) {
    contents.add(path, basename(path));
  } else if (info.isDirectory()) {
    for (const file of await walkDirectory(path)) contents.add(file, relative(path, file));
  } else {
    throw new Error(`--extra-files: not a file or directory: ${item}`);
  }
}

/** Every wanted file below `dir`, following links to files but not to directories. */
async function walkDirectory(dir: string): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (isUnwanted(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walkDirectory(path)));
    else if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path)))) files.push(path);
  }
  return files;
}

/** Hidden files and folders, Python caches, macOS litter and nested archives stay out. */
export function isUnwanted(name: string): boolean {
  return (
    name.startsWith('.') ||
    unwantedDirectories.has(name) ||
    unwantedFileEndings.some((ending) => name.endsWith(ending))
  );
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}
