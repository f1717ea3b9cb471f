/** Request header values by lower-case name; repeated fields are joined with `, `. */
export type RequestHeaders = Record<string, string | undefined>;

/** One parsed request, as the server's handler sees it. */
export interface HttpRequest {
  readonly method: string;
  /** The request target as sent: a path and query. */
  readonly url: string;
  readonly httpVersion: '1.0' | '1.1';
  /** Mutable so that credentials can be removed once checked. */
  readonly headers: RequestHeaders;
  /** Names and values as sent, alternating. */
  readonly rawHeaders: string[];
  readonly remoteAddress: string | undefined;
  /** The whole body; rejects with a `BodyError` past the server's body limit or on bad framing. */
  readBody(): Promise<Buffer>;
}

/** The one response to a request, written whole. */
export interface HttpResponse {
  readonly headersSent: boolean;
  /** The client went away before the response was written. */
  readonly aborted: boolean;
  /**
   * Writes the response. `headers` is a flat `[name, value, …]` list without `Content-Length`,
   * `Date` or `Connection`, which the server adds; `close` ends the connection afterwards.
   */
  send(status: number, headers: readonly string[], body: string | Buffer, close?: boolean): void;
  /** `listener` runs once if the client goes away before the response is written. */
  onAbort(listener: () => void): void;
}

export type HttpHandler = (request: HttpRequest, response: HttpResponse) => void;

/** Why a body could not be read: past the limit, cut off, or framed wrongly (chunked). */
export class BodyError extends Error {
  constructor(
    readonly kind: 'too-large' | 'aborted' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** What the server enforces on every connection. */
export interface HttpLimits {
  /** Bytes of request line and headers; more is a 431. */
  readonly maxHeaderBytes: number;
  /** Bytes of body; more is refused when read. */
  readonly maxBodyBytes: number;
  /** Idle time allowed between requests on a kept-alive connection. */
  readonly keepAliveTimeoutMs: number;
  /** Time allowed from a request's first byte to the end of its headers; then a 408. */
  readonly headersTimeoutMs: number;
  /** Time allowed from a request's first byte to the end of its body; then a 408. */
  readonly requestTimeoutMs: number;
}

export const defaultLimits: HttpLimits = {
  maxHeaderBytes: 16 * 1024,
  maxBodyBytes: 6_553_500,
  keepAliveTimeoutMs: 60_000,
  headersTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
};
