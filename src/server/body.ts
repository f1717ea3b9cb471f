import type { IncomingMessage } from 'node:http';
import { ServeError } from '../errors/index.js';

export function tooLarge(limit: number): ServeError {
  return new ServeError(
    'RequestEntityTooLargeException',
    `Request body is larger than max_request_size (${limit} bytes).`,
  );
}

/** Reads a request body into one buffer, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
    );
    req.once('error', (error: unknown) =>
      reject(
        new ServeError('BadRequestException', `Could not read the request body: ${String(error)}`),
      ),
    );
  });
}
