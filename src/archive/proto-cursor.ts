import type { FileHandle } from 'node:fs/promises';

const WINDOW_BYTES = 64 * 1024;

/** Thrown for bytes that are not a protocol buffer; the caller names the file. */
export class MalformedProtobuf extends Error {
  override readonly name = 'MalformedProtobuf';
}

/**
 * Reads protocol-buffer wire format from a file without loading it: a small window is kept in
 * memory and large fields (tensor data) are skipped by moving the position.
 */
export class ProtoCursor {
  position = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Makes the next `count` bytes (or what is left of the file) readable without waiting. */
  async ensure(count: number): Promise<void> {
    const end = Math.min(this.position + count, this.size);
    if (this.position >= this.windowStart && end <= this.windowStart + this.window.length) return;
    const length = Math.min(Math.max(count, WINDOW_BYTES), this.size - this.position);
    const buffer = Buffer.alloc(Math.max(length, 0));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.position);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = this.position;
  }

  /** A varint from the window; call `ensure(10)` first. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < 10; index += 1) {
      const byte = this.byteAt(this.position);
      this.position += 1;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (value > Number.MAX_SAFE_INTEGER) throw this.malformed('varint out of range');
        return value;
      }
      scale *= 128;
    }
    throw this.malformed('varint longer than 10 bytes');
  }

  /** The next `length` bytes as text; call `ensure(length)` first. */
  text(length: number): string {
    const start = this.position - this.windowStart;
    if (start + length > this.window.length) throw this.malformed('field runs past the end');
    this.position += length;
    return this.window.toString('utf8', start, start + length);
  }

  skip(length: number, end: number): void {
    if (this.position + length > end) throw this.malformed('field runs past its message');
    this.position += length;
  }

  malformed(reason: string): MalformedProtobuf {
    return new MalformedProtobuf(`${reason} at byte ${this.position}`);
  }

  private byteAt(position: number): number {
    const byte = this.window[position - this.windowStart];
    if (byte === undefined) throw this.malformed('unexpected end of data');
    return byte;
  }
}
