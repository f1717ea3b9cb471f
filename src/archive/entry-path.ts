import { invalidModel, quote } from './invalid.js';
import type { ArchiveLimits } from './limits.js';

/**
 * Turns an entry name into a relative POSIX path ('' for the root), refusing every name that
 * could land outside the extraction directory on any platform.
 */
export function safeEntryPath(name: string): string {
  const reason = unsafeReason(name);
  if (reason !== undefined) throw invalidModel(`Archive entry ${quote(name)} ${reason}`);
  return name
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

function unsafeReason(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL character';
  if (name.includes('\\')) return 'contains a backslash';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.startsWith('/')) return 'is an absolute path';
  if (name.split('/').includes('..')) return 'leaves the archive directory (..)';
  return undefined;
}

/**
 * Every entry of one archive, as extracted so far: refuses duplicates, a file where a directory
 * is needed (or the reverse), and more entries than the limit allows.
 */
export class EntryTable {
  private readonly files = new Set<string>();
  private readonly dirs = new Set<string>();
  private count = 0;

  constructor(private readonly limits: ArchiveLimits) {}

  /** Records one entry and returns its safe relative path. */
  add(name: string, kind: 'file' | 'directory'): string {
    this.count += 1;
    if (this.count > this.limits.maxEntries) {
      throw invalidModel(`Archive has more than ${this.limits.maxEntries} entries`);
    }
    const path = safeEntryPath(name);
    if (path === '') {
      if (kind === 'directory') return path;
      throw invalidModel(`Archive entry ${quote(name)} has no file name`);
    }
    if (this.files.has(path) || (kind === 'file' && this.dirs.has(path))) {
      throw invalidModel(`Archive entry ${quote(path)} appears more than once`);
    }
    this.addParents(path);
    (kind === 'file' ? this.files : this.dirs).add(path);
    return path;
  }

  private addParents(path: string): void {
    const segments = path.split('/');
    for (let end = 1; end < segments.length; end += 1) {
      const parent = segments.slice(0, end).join('/');
      if (this.files.has(parent)) {
        throw invalidModel(
          `Archive entry ${quote(path)} is inside ${quote(parent)}, which is a file`,
        );
      }
      this.dirs.add(parent);
    }
  }
}
