import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { HttpConnection } from './connection.js';
import { defaultLimits, type HttpHandler, type HttpLimits } from './message.js';

export interface HttpServerOptions {
  readonly handler: HttpHandler;
  readonly limits?: Partial<HttpLimits>;
  /** A key and certificate make it HTTPS. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer } | undefined;
  /** The JSON body of a refusal the server answers by itself (a malformed head, a timeout). */
  readonly refusalBody: (status: number, reason: string) => string;
}

/** How often deadlines are checked: timeouts fire up to this much late. */
const SWEEP_MS = 1_000;

/**
 * An HTTP/1.1 server on `node:net` (or `node:tls`): strict parsing, one request at a time per
 * connection, whole responses. `socketServer` is for listening and addresses.
 */
export class HttpServer {
  readonly socketServer: Server;
  private readonly connections = new Set<HttpConnection>();
  private readonly sweep: NodeJS.Timeout;
  private closing = false;

  constructor(options: HttpServerOptions) {
    const limits = { ...defaultLimits, ...options.limits };
    const connectionOptions = {
      limits,
      handler: options.handler,
      refusalBody: options.refusalBody,
      onClosed: (connection: HttpConnection) => this.connections.delete(connection),
    };
    const accept = (socket: Socket): void => {
      socket.setNoDelay(true);
      const connection = new HttpConnection(socket, connectionOptions);
      this.connections.add(connection);
      if (this.closing) connection.closeWhenDone();
    };
    this.socketServer = options.tls
      ? createTlsServer({ ...options.tls, allowHalfOpen: true }, accept)
      : createNetServer({ allowHalfOpen: true, noDelay: true }, accept);
    this.sweep = setInterval(() => this.checkTimeouts(), SWEEP_MS).unref();
  }

  /** Stops accepting; connections close once their request in progress is answered. */
  close(callback?: () => void): void {
    this.closing = true;
    clearInterval(this.sweep);
    this.socketServer.close(() => callback?.());
    for (const connection of this.connections) connection.closeWhenDone();
  }

  /** Cuts every connection, requests in progress included. */
  closeAllConnections(): void {
    for (const connection of this.connections) connection.destroy();
  }

  private checkTimeouts(): void {
    const now = Date.now();
    for (const connection of this.connections) connection.checkTimeout(now);
  }
}
