import { createInflateRaw } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ByteCounter, EntryGuard, type InflatedTotal } from './byte-guard.js';
import { EntryTable } from './entry-path.js';
import { invalidModel, quote } from './invalid.js';
import type { ArchiveLimits } from './limits.js';
import { makeEntryDirectory, writeEntryFile } from './write-entry.js';

interface PlannedEntry {
  readonly entry: Entry;
  readonly path: string;
  readonly kind: 'file' | 'directory';
}

const STORED = 0;
const DEFLATED = 8;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * Extracts a zip (`.mar`) into `root`, an empty directory. The whole central directory is checked
 * before the first byte is written; then each entry is inflated by hand so that its real size and
 * compression ratio are counted, not taken from its header.
 */
export async function extractZip(file: string, root: string, limits: ArchiveLimits): Promise<void> {
  const zip = await yauzl.openPromise(file, {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: false,
  });
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw invalidModel(
        `Archive has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`,
      );
    }
    const plan = await planEntries(zip, limits);
    const total: InflatedTotal = { bytes: 0 };
    for (const item of plan) await extractEntry(zip, item, root, limits, total);
  } finally {
    zip.close();
  }
}

async function planEntries(zip: ZipFile, limits: ArchiveLimits): Promise<PlannedEntry[]> {
  const table = new EntryTable(limits);
  const plan: PlannedEntry[] = [];
  let declaredTotal = 0;
  for await (const entry of zip.eachEntry()) {
    const name = entryName(entry);
    const kind = entryKind(entry, name);
    checkDeclaredSize(entry, name, limits);
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxTotalBytes) {
      throw invalidModel(`Archive declares more than the limit of ${limits.maxTotalBytes} bytes`);
    }
    plan.push({ entry, path: table.add(name, kind), kind });
  }
  return plan;
}

/** Decoded without yauzl's own clean-up, which would turn a backslash into a separator. */
function entryName(entry: Entry): string {
  return yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    true,
  );
}

function entryKind(entry: Entry, name: string): 'file' | 'directory' {
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK) throw invalidModel(`Archive entry ${quote(name)} is a symbolic link`);
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
    throw invalidModel(`Archive entry ${quote(name)} is not a regular file or directory`);
  }
  if (entry.isEncrypted()) throw invalidModel(`Archive entry ${quote(name)} is encrypted`);
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw invalidModel(
      `Archive entry ${quote(name)} uses unsupported compression method ${entry.compressionMethod}`,
    );
  }
  return name.endsWith('/') || type === S_IFDIR ? 'directory' : 'file';
}

function checkDeclaredSize(entry: Entry, name: string, limits: ArchiveLimits): void {
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    throw invalidModel(
      `Archive entry ${quote(name)} is larger than the limit of ${limits.maxEntryBytes} bytes`,
    );
  }
}

async function extractEntry(
  zip: ZipFile,
  item: PlannedEntry,
  root: string,
  limits: ArchiveLimits,
  total: InflatedTotal,
): Promise<void> {
  if (item.kind === 'directory') {
    await makeEntryDirectory(root, item.path);
    return;
  }
  const raw = await zip.openReadStreamPromise(item.entry, { decodeFileData: false });
  const compressed = new ByteCounter();
  const guard = new EntryGuard({
    name: item.path,
    limits,
    total,
    declaredSize: item.entry.uncompressedSize,
    compressed,
  });
  const inflate = item.entry.compressionMethod === DEFLATED ? [createInflateRaw()] : [];
  await writeEntryFile(root, item.path, raw, [compressed, ...inflate, guard]);
}
