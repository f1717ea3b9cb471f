import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { ServeError, type ErrorType } from '../errors/index.js';
import type { PendingReplies } from './pending-replies.js';
import type { ReplyWriter } from './responses.js';

/** The catalogue's entry for what `node:http` reports of a request it could not take. */
const typeOfCode: Readonly<Record<string, ErrorType>> = {
  HPE_HEADER_OVERFLOW: 'RequestHeaderFieldsTooLargeException',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'RequestEntityTooLargeException',
  ERR_HTTP_REQUEST_TIMEOUT: 'RequestTimeoutException',
};

export type ClientErrorListener = (error: NodeJS.ErrnoException, socket: Duplex) => void;

/**
 * Answers a request `node:http` refused before any handler saw it (a malformed head, a head over
 * 16 KiB, a head or body that took too long) as `writer` answers every other error: the
 * catalogue's status and JSON body, the listeners' headers, then close; after the answers to any
 * requests before it on the connection. Node's own answer would be a bare status line.
 */
export function clientErrorAnswer(
  writer: ReplyWriter,
  replies: PendingReplies,
): ClientErrorListener {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const type = typeOfCode[error.code ?? ''] ?? 'BadRequestException';
    replies.refuse(socket, writer.errorMessage(randomUUID(), new ServeError(type)));
  };
}
