import { ChunkedDecoder } from './chunked.js';
import type { Framing, RequestHead } from './head.js';
import { BodyError, type HttpRequest, type HttpResponse, type RequestHeaders } from './message.js';

/** What an exchange needs from its connection. */
export interface ExchangeHost {
  readonly remoteAddress: string | undefined;
  readonly maxBodyBytes: number;
  /** Writes a whole response, then keeps the connection for the next request or closes it. */
  respond(
    exchange: Exchange,
    status: number,
    headers: readonly string[],
    body: string | Buffer,
    close: boolean,
  ): void;
  /** Writes `100 Continue`, for a client that waits for it before sending its body. */
  sendContinue(): void;
}

interface BodyWaiter {
  resolve(body: Buffer): void;
  reject(error: BodyError): void;
}

/** One request and its response on a connection. */
export class Exchange implements HttpRequest, HttpResponse {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: RequestHeaders;
  readonly rawHeaders: string[];
  readonly remoteAddress: string | undefined;
  /** The client asked to close after this request, or spoke HTTP/1.0 without keep-alive. */
  readonly wantsClose: boolean;
  headersSent = false;
  aborted = false;
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private lengthLeft: number;
  private readonly decoder: ChunkedDecoder | undefined;
  private bodyDone: boolean;
  private failure: BodyError | undefined;
  private waiter: BodyWaiter | undefined;
  private continued = false;
  private abortListeners: (() => void)[] | undefined;

  constructor(
    private readonly host: ExchangeHost,
    head: RequestHead,
    framing: Framing,
  ) {
    this.method = head.method;
    this.url = head.url;
    this.httpVersion = head.httpVersion;
    this.headers = head.headers;
    this.rawHeaders = head.rawHeaders;
    this.remoteAddress = host.remoteAddress;
    this.wantsClose = wantsClose(head);
    this.lengthLeft = framing.kind === 'length' ? framing.length : 0;
    this.decoder = framing.kind === 'chunked' ? new ChunkedDecoder() : undefined;
    this.bodyDone = framing.kind === 'none';
    if (this.lengthLeft > host.maxBodyBytes) this.fail(tooLarge());
  }

  /** Whether every byte of the body has arrived (or the body was refused). */
  get bodyComplete(): boolean {
    return this.bodyDone;
  }

  /** Takes body bytes; returns what follows the body once it ends, `undefined` before. */
  feed(bytes: Buffer): Buffer | undefined {
    if (this.decoder === undefined) {
      const take = Math.min(this.lengthLeft, bytes.length);
      this.accept(take === bytes.length ? bytes : bytes.subarray(0, take));
      this.lengthLeft -= take;
      if (this.lengthLeft > 0) return undefined;
      this.finishBody();
      return bytes.subarray(take);
    }
    try {
      const rest = this.decoder.push(bytes, (data) => this.accept(data));
      if (rest !== undefined) this.finishBody();
      return rest;
    } catch (error: unknown) {
      this.fail(error as BodyError);
      return undefined;
    }
  }

  /** The body stopped arriving: the client went away or took too long. */
  cutBody(reason: string): void {
    if (!this.bodyDone) this.fail(new BodyError('aborted', reason));
  }

  readBody(): Promise<Buffer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.bodyDone) return Promise.resolve(this.wholeBody());
    if (this.waiter !== undefined)
      return Promise.reject(new Error('The body is already being read.'));
    if (!this.continued && this.headers.expect?.toLowerCase() === '100-continue') {
      this.continued = true;
      this.host.sendContinue();
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  send(status: number, headers: readonly string[], body: string | Buffer, close = false): void {
    if (this.headersSent) throw new Error('The response was already sent.');
    this.host.respond(this, status, headers, body, close);
    this.headersSent = true;
  }

  onAbort(listener: () => void): void {
    (this.abortListeners ??= []).push(listener);
  }

  /** The connection closed before the response was written. */
  abort(): void {
    if (this.headersSent || this.aborted) return;
    this.aborted = true;
    this.cutBody('The client went away.');
    const listeners = this.abortListeners ?? [];
    this.abortListeners = undefined;
    for (const listener of listeners) listener();
  }

  private accept(data: Buffer): void {
    if (data.length === 0 || this.failure !== undefined) return;
    this.received += data.length;
    if (this.received > this.host.maxBodyBytes) {
      this.fail(tooLarge());
      return;
    }
    this.chunks.push(data);
  }

  private finishBody(): void {
    if (this.failure !== undefined) return;
    this.bodyDone = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(this.wholeBody());
  }

  private fail(error: BodyError): void {
    this.failure ??= error;
    this.bodyDone = true;
    this.chunks.length = 0;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }

  private wholeBody(): Buffer {
    const { chunks } = this;
    if (chunks.length === 1) return chunks[0] as Buffer;
    return chunks.length === 0 ? Buffer.alloc(0) : Buffer.concat(chunks, this.received);
  }

  /** A body that failed (too large, malformed, cut off) leaves the connection unusable. */
  get bodyFailed(): boolean {
    return this.failure !== undefined;
  }
}

function tooLarge(): BodyError {
  return new BodyError('too-large', 'The request body is larger than the limit.');
}

function wantsClose(head: RequestHead): boolean {
  const tokens = (head.headers.connection ?? '').toLowerCase();
  if (head.httpVersion === '1.0') return !/(?:^|,)\s*keep-alive\s*(?:,|$)/.test(tokens);
  return /(?:^|,)\s*close\s*(?:,|$)/.test(tokens);
}
