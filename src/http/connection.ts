import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { Socket } from 'node:net';
import { Exchange, type ExchangeHost } from './exchange.js';
import { bodyFraming, isRefusal, parseHead } from './head.js';
import type { HttpHandler, HttpLimits } from './message.js';
import { dateHeader } from './date.js';

export interface ConnectionOptions {
  readonly limits: HttpLimits;
  readonly handler: HttpHandler;
  /** The JSON body of a refusal the connection answers by itself (a malformed head, a timeout). */
  readonly refusalBody: (status: number, reason: string) => string;
  readonly onClosed: (connection: HttpConnection) => void;
}

/**
 * `idle`: between requests; `head`: part of a head has arrived; `active`: a request is with the
 * handler, its body may still be arriving; `closed`: nothing more is read or written.
 */
type Phase = 'idle' | 'head' | 'active' | 'closed';

/** Bytes of pipelined requests held while one is answered; more pauses reading. */
const MAX_HELD_BYTES = 64 * 1024;
const headEnd = Buffer.from('\r\n\r\n');
/** How a head written with bare LF line ends ends: never valid, refused rather than waited on. */
const bareLfEnd = Buffer.from('\n\n');
const continueLine = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * One client connection: reads requests one at a time, in order, hands each to the handler, and
 * writes its response before reading the next (pipelined requests wait, bounded). Keep-alive,
 * timeouts and limits as `limits` says.
 */
export class HttpConnection implements ExchangeHost {
  readonly remoteAddress: string | undefined;
  readonly maxBodyBytes: number;
  /** When the current phase runs out of time (ms since the epoch). */
  private deadline: number;
  private phase: Phase = 'idle';
  private held: Buffer | undefined;
  private exchange: Exchange | undefined;
  /** Answer the current request, then close: the server is closing. */
  private closeAfterReply = false;
  private readonly keepAliveLine: string;

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.remoteAddress = socket.remoteAddress;
    this.maxBodyBytes = options.limits.maxBodyBytes;
    this.deadline = Date.now() + options.limits.headersTimeoutMs;
    const keepAliveSeconds = Math.floor(options.limits.keepAliveTimeoutMs / 1000);
    this.keepAliveLine = `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n`;
    socket.on('data', (bytes: Buffer) => this.receive(bytes));
    socket.on('end', () => this.clientEnded());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.closed());
  }

  /** Finish the request in progress, if any, then close. */
  closeWhenDone(): void {
    this.closeAfterReply = true;
    if (this.phase === 'idle') this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Enforces the phase's deadline; called about once a second. */
  checkTimeout(now: number): void {
    if (now < this.deadline || this.phase === 'closed') return;
    this.deadline = Infinity;
    if (this.phase === 'idle') this.socket.destroy();
    else if (this.phase === 'head') this.refuse(408, 'the request head took too long');
    else this.exchange?.cutBody('The request body took too long.');
  }

  respond(
    exchange: Exchange,
    status: number,
    headers: readonly string[],
    body: string | Buffer,
    close: boolean,
  ): void {
    if (exchange !== this.exchange || this.phase === 'closed') return;
    const keep = !close && !this.closeAfterReply && !exchange.wantsClose;
    const reusable = keep && exchange.bodyComplete && !exchange.bodyFailed;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const head = responseHead(status, headers, length, reusable ? this.keepAliveLine : undefined);
    this.write(head, exchange.method === 'HEAD' ? '' : body);
    this.exchange = undefined;
    if (reusable) this.nextRequest();
    else this.finish();
  }

  sendContinue(): void {
    if (this.phase !== 'closed') this.socket.write(continueLine, 'latin1');
  }

  private receive(bytes: Buffer): void {
    if (this.phase === 'closed') return;
    if (this.phase === 'active') {
      this.receiveDuringExchange(bytes);
      return;
    }
    if (this.phase === 'idle') {
      this.phase = 'head';
      this.deadline = Date.now() + this.options.limits.headersTimeoutMs;
    }
    this.held = this.held === undefined ? bytes : Buffer.concat([this.held, bytes]);
    this.readHead();
  }

  private receiveDuringExchange(bytes: Buffer): void {
    const exchange = this.exchange as Exchange;
    if (exchange.bodyFailed) return;
    const rest = exchange.bodyComplete ? bytes : exchange.feed(bytes);
    if (exchange.bodyComplete) this.deadline = Infinity;
    if (rest === undefined || rest.length === 0 || exchange.bodyFailed) return;
    this.held = this.held === undefined ? rest : Buffer.concat([this.held, rest]);
    if (this.held.length > MAX_HELD_BYTES) this.socket.pause();
  }

  /** Parses a head from the held bytes, if a whole one is there, and starts its exchange. */
  private readHead(): void {
    const held = skipEmptyLines(this.held as Buffer);
    const { maxHeaderBytes } = this.options.limits;
    const end = held.indexOf(headEnd);
    if (end < 0 || end + 4 > maxHeaderBytes) {
      this.held = held.length === 0 ? undefined : held;
      if (held.length > maxHeaderBytes) this.refuse(431, 'the request head is too large');
      else if (held.includes(bareLfEnd)) this.refuse(400, 'bare LF line ends in the request head');
      return;
    }
    this.held = undefined;
    const head = parseHead(held.toString('latin1', 0, end));
    if (isRefusal(head)) return this.refuse(head.status, head.reason);
    const framing = bodyFraming(head);
    if (isRefusal(framing)) return this.refuse(framing.status, framing.reason);
    const expect = head.headers.expect;
    if (expect !== undefined && expect.toLowerCase() !== '100-continue') {
      return this.refuse(417, 'unsupported Expect');
    }
    this.start(new Exchange(this, head, framing), held.subarray(end + 4));
  }

  private start(exchange: Exchange, rest: Buffer): void {
    this.exchange = exchange;
    this.phase = 'active';
    this.deadline = exchange.bodyComplete
      ? Infinity
      : this.deadline - this.options.limits.headersTimeoutMs + this.options.limits.requestTimeoutMs;
    if (rest.length > 0) this.receiveDuringExchange(rest);
    try {
      this.options.handler(exchange, exchange);
    } catch {
      this.socket.destroy();
    }
  }

  /** Keeps the connection: reads a request already held, else waits for one. */
  private nextRequest(): void {
    this.phase = 'idle';
    this.deadline = Date.now() + this.options.limits.keepAliveTimeoutMs;
    if (this.socket.isPaused()) this.socket.resume();
    if (this.held === undefined) return;
    // Not in this call: the handler that just answered is still on the stack.
    queueMicrotask(() => {
      if (this.phase !== 'idle' || this.held === undefined) return;
      this.phase = 'head';
      this.deadline = Date.now() + this.options.limits.headersTimeoutMs;
      this.readHead();
    });
  }

  /** Answers by itself, without the handler, and closes. */
  private refuse(status: number, reason: string): void {
    const body = this.options.refusalBody(status, reason);
    const headers = ['Content-Type', 'application/json'];
    this.write(responseHead(status, headers, Buffer.byteLength(body), undefined), body);
    this.finish();
  }

  private finish(): void {
    this.phase = 'closed';
    this.held = undefined;
    this.socket.end();
    this.socket.destroySoon();
  }

  private write(head: string, body: string | Buffer): void {
    const { socket } = this;
    if (body.length === 0) {
      socket.write(head, 'latin1');
    } else if (typeof body === 'string' && Buffer.byteLength(head) === head.length) {
      socket.write(head + body, 'utf8');
    } else {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body);
      socket.uncork();
    }
  }

  /** A client that closes its side has gone, as `node:http` sees it: its request is dropped. */
  private clientEnded(): void {
    if (this.phase === 'closed') return;
    this.exchange?.abort();
    this.exchange = undefined;
    this.finish();
  }

  private closed(): void {
    this.phase = 'closed';
    this.held = undefined;
    this.exchange?.abort();
    this.exchange = undefined;
    this.options.onClosed(this);
  }
}

/**
 * The status line and headers of a response, with `Content-Length`, `Date` and `Connection`:
 * `keepAlive` holds the lines that keep the connection, `undefined` closes it.
 */
function responseHead(
  status: number,
  headers: readonly string[],
  length: number,
  keepAlive: string | undefined,
): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  for (let index = 0; index + 1 < headers.length; index += 2) {
    const name = headers[index] as string;
    const value = headers[index + 1] as string;
    validateHeaderName(name);
    validateHeaderValue(name, value);
    head += `${name}: ${value}\r\n`;
  }
  head += `Content-Length: ${length}\r\nDate: ${dateHeader()}\r\n`;
  return `${head}${keepAlive ?? 'Connection: close\r\n'}\r\n`;
}

/** RFC 9112 lets a server skip empty lines before a request line. */
function skipEmptyLines(bytes: Buffer): Buffer {
  let start = 0;
  while (bytes[start] === 13 && bytes[start + 1] === 10) start += 2;
  return start === 0 ? bytes : bytes.subarray(start);
}
