import { BodyError } from './message.js';

type State =
  'size' | 'extension' | 'size-lf' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'trailer-lf';

/** Hex digits a chunk size may have: up to 2^48 - 1 bytes, far beyond any body limit. */
const MAX_SIZE_DIGITS = 12;
/** Bytes of chunk extensions on one line, and of trailer fields in all: both are skipped. */
const MAX_EXTENSION_BYTES = 1024;
const MAX_TRAILER_BYTES = 16 * 1024;

const CR = 13;
const LF = 10;

/**
 * Decodes a chunked body as its bytes arrive, strictly: CRLF line ends, hex sizes without sign or
 * prefix, bounded extensions and trailers (both read and dropped). Anything else is a malformed
 * body, never a guess.
 */
export class ChunkedDecoder {
  private state: State = 'size';
  private size = 0;
  private digits = 0;
  private remaining = 0;
  private skipped = 0;
  private lineBytes = 0;
  private trailerBytes = 0;

  /**
   * Feeds `bytes`; the body's data goes to `onData`. Returns what follows the body once it has
   * ended (possibly empty), `undefined` while it has not. Throws a `BodyError` when malformed.
   */
  push(bytes: Buffer, onData: (data: Buffer) => void): Buffer | undefined {
    for (let index = 0; index < bytes.length; index++) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, bytes.length - index);
        onData(bytes.subarray(index, index + take));
        this.remaining -= take;
        index += take - 1;
        if (this.remaining === 0) this.state = 'data-cr';
        continue;
      }
      if (this.step(bytes[index] as number)) return bytes.subarray(index + 1);
    }
    return undefined;
  }

  /** One byte outside chunk data; true when it ended the body. */
  private step(byte: number): boolean {
    switch (this.state) {
      case 'size':
        return this.sizeByte(byte);
      case 'extension':
        if (byte === CR) this.state = 'size-lf';
        else if (byte === LF || ++this.skipped > MAX_EXTENSION_BYTES) malformed('chunk extension');
        return false;
      case 'size-lf':
        if (byte !== LF) malformed('chunk size line');
        this.startChunk();
        return false;
      case 'data-cr':
        if (byte !== CR) malformed('chunk data longer than its size');
        this.state = 'data-lf';
        return false;
      case 'data-lf':
        if (byte !== LF) malformed('chunk data end');
        this.state = 'size';
        return false;
      default:
        return this.trailerByte(byte);
    }
  }

  private sizeByte(byte: number): boolean {
    const digit = hexValue(byte);
    if (digit >= 0) {
      if (++this.digits > MAX_SIZE_DIGITS) malformed('chunk size too large');
      this.size = this.size * 16 + digit;
    } else if (this.digits > 0 && byte === CR) {
      this.state = 'size-lf';
    } else if (this.digits > 0 && (byte === 0x3b || byte === 0x20 || byte === 0x09)) {
      this.state = 'extension';
      this.skipped = 0;
    } else {
      malformed('chunk size');
    }
    return false;
  }

  private startChunk(): void {
    this.remaining = this.size;
    this.state = this.size === 0 ? 'trailer' : 'data';
    this.size = 0;
    this.digits = 0;
    this.lineBytes = 0;
  }

  /** Trailer fields until an empty line, which ends the body. */
  private trailerByte(byte: number): boolean {
    if (this.state === 'trailer-lf') {
      if (byte !== LF) malformed('trailer line');
      const ended = this.lineBytes === 0;
      this.state = 'trailer';
      this.lineBytes = 0;
      return ended;
    }
    if (byte === CR) this.state = 'trailer-lf';
    else if (byte === LF || ++this.trailerBytes > MAX_TRAILER_BYTES) malformed('trailer');
    else this.lineBytes++;
    return false;
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function malformed(what: string): never {
  throw new BodyError('malformed', `Malformed chunked body: ${what}.`);
}
