import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

interface Connection {
  pending: number;
  /** The request that arrived last; `node:http` reads one request at a time. */
  latest: IncomingMessage;
  /** The answer to a request `node:http` refused after these: sent, and closed, after them. */
  refusal: string | undefined;
}

/**
 * The replies still being produced on each connection. A request `node:http` cannot take is
 * answered straight on the socket, which then closes; with pipelining, requests before it on the
 * same connection may still be waiting for their answers. The refusal must follow those answers,
 * or the client pairs each answer with the wrong request and loses the last ones.
 */
export class PendingReplies {
  private readonly connections = new WeakMap<Duplex, Connection>();

  /** `req` arrived; its reply is on the way. */
  started(req: IncomingMessage): void {
    const connection = this.connections.get(req.socket);
    if (connection === undefined) {
      this.connections.set(req.socket, { pending: 1, latest: req, refusal: undefined });
      return;
    }
    connection.pending += 1;
    connection.latest = req;
  }

  /** The reply to `req` has been written; a refusal waiting for it goes out after the last. */
  finished(req: IncomingMessage): void {
    const connection = this.connections.get(req.socket);
    if (connection === undefined) return;
    connection.pending -= 1;
    if (connection.pending > 0 || connection.refusal === undefined) return;
    const { refusal } = connection;
    connection.refusal = undefined;
    endWith(req.socket, refusal);
  }

  /**
   * Ends `socket` with `refusal` (a whole HTTP response): after the pending replies when the
   * refused request came after them, at once when there are none or when the refused one is the
   * latest request itself, whose body broke off (its handler may be waiting for the rest).
   */
  refuse(socket: Duplex, refusal: string): void {
    const connection = this.connections.get(socket);
    if (connection === undefined || connection.pending === 0 || !connection.latest.complete) {
      endWith(socket, refusal);
      return;
    }
    connection.refusal = refusal;
  }
}

function endWith(socket: Duplex, refusal: string): void {
  if (socket.writable) socket.end(refusal);
  else socket.destroy();
}
