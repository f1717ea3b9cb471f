import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorCatalogue, toErrorBody, ServeError, type ErrorType } from '../errors/index.js';
import { formatJson } from './responses.js';

/** The catalogue's entry for what `node:http` reports of a request it could not take. */
const typeOfCode: Readonly<Record<string, ErrorType>> = {
  HPE_HEADER_OVERFLOW: 'RequestHeaderFieldsTooLargeException',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'RequestEntityTooLargeException',
  ERR_HTTP_REQUEST_TIMEOUT: 'RequestTimeoutException',
};

/**
 * Answers a request `node:http` refused before any handler saw it (a malformed head, a head over
 * 16 KiB, a head or body that took too long) as every other error is answered: the catalogue's
 * status and JSON body, then close. Node's own answer would be a bare status line.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const type = typeOfCode[error.code ?? ''] ?? 'BadRequestException';
  const body = formatJson(toErrorBody(new ServeError(type)));
  const { status } = errorCatalogue[type];
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
