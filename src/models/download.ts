import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ServeError } from '../errors/index.js';

export interface DownloadOptions {
  /** Every URL fetched, redirects included, must match one of these. */
  readonly allowed: readonly RegExp[];
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects?: number;
}

export function isAllowedUrl(url: string, allowed: readonly RegExp[]): boolean {
  return allowed.some((pattern) => pattern.test(url));
}

/** A URL fit for messages and logs: any user name or password in it is masked. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

export function failed(url: string): ServeError {
  return new ServeError(
    'DownloadArchiveException',
    `Failed to download archive from: ${displayUrl(url)}`,
  );
}

/** Counts bytes as they pass and fails the stream beyond `maxBytes`. */
function sizeLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > maxBytes ? new RangeError(`larger than ${maxBytes} bytes`) : null, chunk);
    },
  });
}

/** Fetches without following redirects itself, so every hop is checked against the allow-list. */
async function fetchAllowed(
  url: string,
  options: DownloadOptions,
  signal: AbortSignal,
): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    if (!isAllowedUrl(current, options.allowed)) throw failed(url);
    const response = await fetch(current, { redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    await response.body?.cancel();
    current = new URL(location, current).toString();
  }
  throw failed(url);
}

/**
 * Downloads `url` to `destination` (written beside it, then renamed), refusing redirects off
 * the allow-list, bodies over `maxBytes`, and anything slower than `timeoutMs` in all.
 */
export async function downloadArchive(
  url: string,
  destination: string,
  options: DownloadOptions,
): Promise<void> {
  const partial = `${destination}.${randomBytes(4).toString('hex')}.part`;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetchAllowed(url, options, signal);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (!response.ok || response.body === null || declared > options.maxBytes) throw failed(url);
    const body = Readable.fromWeb(response.body);
    await pipeline(body, sizeLimit(options.maxBytes), createWriteStream(partial, { flags: 'wx' }));
    await rename(partial, destination);
  } catch (error: unknown) {
    await unlink(partial).catch(() => undefined);
    throw error instanceof ServeError ? error : failed(url);
  }
}
