import { Transform, type TransformCallback } from 'node:stream';
import { invalidModel, quote } from './invalid.js';
import type { ArchiveLimits } from './limits.js';

/** Passes bytes through and counts them: the compressed side of a ratio check. */
export class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/** Inflated bytes of every entry of one archive so far. */
export interface InflatedTotal {
  bytes: number;
}

export interface EntryGuardOptions {
  readonly name: string;
  readonly limits: ArchiveLimits;
  readonly total: InflatedTotal;
  /** The size the entry's header claims; the real bytes must match it. */
  readonly declaredSize?: number | undefined;
  /** Counts the compressed bytes that fed this entry, when the entry is compressed on its own. */
  readonly compressed?: ByteCounter | undefined;
}

/** Below this many inflated bytes, no ratio is a bomb: tiny text files compress very well. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

/**
 * Counts the bytes an entry really inflates to, whatever its header says, and fails the stream
 * as soon as one limit is crossed, so a bomb never reaches the disk in full.
 */
export class EntryGuard extends Transform {
  private bytes = 0;

  constructor(private readonly options: EntryGuardOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.options.total.bytes += chunk.length;
    const problem = this.overLimit();
    if (problem === undefined) done(null, chunk);
    else done(invalidModel(`Archive entry ${quote(this.options.name)} ${problem}`));
  }

  override _flush(done: TransformCallback): void {
    const declared = this.options.declaredSize;
    if (declared !== undefined && this.bytes < declared) {
      done(invalidModel(`Archive entry ${quote(this.options.name)} is truncated`));
    } else {
      done();
    }
  }

  private overLimit(): string | undefined {
    const { limits, total, declaredSize, compressed } = this.options;
    if (this.bytes > limits.maxEntryBytes) {
      return `is larger than the limit of ${limits.maxEntryBytes} bytes`;
    }
    if (total.bytes > limits.maxTotalBytes) {
      return `takes the archive past the limit of ${limits.maxTotalBytes} bytes in total`;
    }
    if (declaredSize !== undefined && this.bytes > declaredSize) {
      return `holds more data than its header declares (${declaredSize} bytes)`;
    }
    if (compressed !== undefined && isBomb(this.bytes, compressed.bytes, limits)) {
      return `expands more than ${limits.maxCompressionRatio} times (compression bomb)`;
    }
    return undefined;
  }
}

export function isBomb(inflated: number, compressed: number, limits: ArchiveLimits): boolean {
  return (
    inflated > RATIO_FLOOR_BYTES && inflated > limits.maxCompressionRatio * Math.max(compressed, 1)
  );
}
