import { createReadStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar, { type Header } from 'tar-stream';
import { ServeError } from '../errors/index.js';
import { ByteCounter, EntryGuard, isBomb, type InflatedTotal } from './byte-guard.js';
import { EntryTable } from './entry-path.js';
import { invalidModel, quote } from './invalid.js';
import type { ArchiveLimits } from './limits.js';
import { makeEntryDirectory, writeEntryFile } from './write-entry.js';

/** One tar entry as tar-stream yields it: a streamx readable of the entry's bytes. */
interface TarEntry extends AsyncIterable<unknown> {
  readonly header: Header;
  resume(): unknown;
}

/** Tar headers, long-name records and padding an entry may add to the stream's size. */
const TAR_OVERHEAD_PER_ENTRY = 16 * 1024;

/**
 * Extracts a gzip-compressed tar into `root`, an empty directory. Entries arrive one at a time, so
 * each is checked as it comes; the caller removes `root` when this rejects.
 */
export async function extractTarGz(
  file: string,
  root: string,
  limits: ArchiveLimits,
): Promise<void> {
  const extract = tar.extract();
  const compressed = new ByteCounter();
  const feeding = pipeline(
    createReadStream(file),
    compressed,
    createGunzip(),
    new TarStreamGuard(compressed, limits),
    // streamx streams work in Node's pipeline; only their declared types differ.
    extract as unknown as NodeJS.WritableStream,
  );
  const consuming = consumeEntries(extract, root, limits);
  const [fed, consumed] = await Promise.allSettled([feeding, consuming]);
  throwFirstFailure(consumed, fed);
}

async function consumeEntries(
  entries: AsyncIterable<TarEntry>,
  root: string,
  limits: ArchiveLimits,
): Promise<void> {
  const table = new EntryTable(limits);
  const total: InflatedTotal = { bytes: 0 };
  for await (const entry of entries) {
    await extractEntry(entry, table, root, limits, total);
  }
}

async function extractEntry(
  entry: TarEntry,
  table: EntryTable,
  root: string,
  limits: ArchiveLimits,
  total: InflatedTotal,
): Promise<void> {
  const { name, type, size } = entry.header;
  const kind = entryKind(name, type);
  if (kind === 'skip') {
    entry.resume();
    return;
  }
  if ((size ?? 0) > limits.maxEntryBytes) {
    throw invalidModel(
      `Archive entry ${quote(name)} is larger than the limit of ${limits.maxEntryBytes} bytes`,
    );
  }
  const path = table.add(name, kind);
  if (kind === 'directory') {
    entry.resume();
    await makeEntryDirectory(root, path);
    return;
  }
  const guard = new EntryGuard({ name: path, limits, total, declaredSize: size });
  await writeEntryFile(root, path, Readable.from(entry, { objectMode: false }), [guard]);
}

function entryKind(name: string, type: string | undefined): 'file' | 'directory' | 'skip' {
  switch (type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
      return 'file';
    case 'directory':
      return 'directory';
    case 'pax-global-header':
      return 'skip';
    case 'symlink':
      throw invalidModel(`Archive entry ${quote(name)} is a symbolic link`);
    case 'link':
      throw invalidModel(`Archive entry ${quote(name)} is a hard link`);
    default:
      throw invalidModel(`Archive entry ${quote(name)} is a ${type}, not a regular file`);
  }
}

/**
 * Guards the decompressed tar stream as a whole: gzip compresses the entire tar at once, so the
 * ratio is measured here, and trailing data after the last entry counts too.
 */
class TarStreamGuard extends Transform {
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(
    private readonly compressed: ByteCounter,
    private readonly limits: ArchiveLimits,
  ) {
    super();
    this.maxBytes = limits.maxTotalBytes + limits.maxEntries * TAR_OVERHEAD_PER_ENTRY;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(invalidModel(`Archive decompresses to more than ${this.maxBytes} bytes`));
    } else if (isBomb(this.bytes, this.compressed.bytes, this.limits)) {
      done(
        invalidModel(
          `Archive expands more than ${this.limits.maxCompressionRatio} times (compression bomb)`,
        ),
      );
    } else {
      done(null, chunk);
    }
  }
}

/** Our own refusals beat the stream errors they cause downstream (premature close and the like). */
function throwFirstFailure(...results: PromiseSettledResult<void>[]): void {
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [asError(result.reason)] : [],
  );
  const chosen = failures.find((reason) => reason instanceof ServeError) ?? failures[0];
  if (chosen !== undefined) throw chosen;
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(`tar stream failed with ${quote(reason)}`);
}
