import type { RequestHeaders } from './message.js';

/** A request line and header fields, checked strictly. */
export interface RequestHead {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: RequestHeaders;
  readonly rawHeaders: string[];
}

/** A head the server refuses, with the status to refuse it with. */
export interface HeadRefusal {
  readonly status: 400 | 501 | 505;
  readonly reason: string;
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const requestTarget = /^(?:\/[\x21-\x7e]*|\*)$/;
/** Control characters other than tab, which RFC 9110 allows in no field value. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const badValueChar = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Fields whose repetition is ambiguous (two lengths, two hosts, two credentials) and a classic
 * way to make two parsers disagree: a second one is refused instead of joined.
 */
const singletons = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'authorization',
  'content-type',
  'expect',
  'inference-header-content-length',
]);

/**
 * Parses everything before the blank line that ends a request head, decoded as latin1. CRLF line
 * ends only (a bare LF or CR is a control character where it stands), no folded lines, no space
 * before a colon, no control characters in values: what RFC 9112 lets a server refuse is refused,
 * so that no proxy in front of it can read a request differently.
 */
export function parseHead(text: string): RequestHead | HeadRefusal {
  const lines = text.split('\r\n');
  const requestLine = lines[0] ?? '';
  const [method = '', url = '', version = '', extra] = requestLine.split(' ');
  if (extra !== undefined || !token.test(method) || !requestTarget.test(url)) {
    return refuse(400, 'malformed request line');
  }
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') {
    return /^HTTP\/\d\.\d$/.test(version)
      ? refuse(505, 'HTTP version not supported')
      : refuse(400, 'malformed request line');
  }
  const headers: RequestHeaders = {};
  const rawHeaders: string[] = [];
  for (let index = 1; index < lines.length; index++) {
    const refusal = addField(lines[index] as string, headers, rawHeaders);
    if (refusal !== undefined) return refusal;
  }
  return { method, url, httpVersion: version === 'HTTP/1.1' ? '1.1' : '1.0', headers, rawHeaders };
}

function addField(
  line: string,
  headers: RequestHeaders,
  rawHeaders: string[],
): HeadRefusal | undefined {
  const colon = line.indexOf(':');
  const name = line.slice(0, Math.max(colon, 0));
  if (!token.test(name)) return refuse(400, 'malformed header field');
  const value = trimBlanks(line, colon + 1);
  if (badValueChar.test(value)) return refuse(400, 'control character in a header value');
  const key = name.toLowerCase();
  const previous = headers[key];
  if (previous !== undefined) {
    if (singletons.has(key)) return refuse(400, `repeated ${key} header`);
    headers[key] = `${previous}, ${value}`;
  } else {
    headers[key] = value;
  }
  rawHeaders.push(name, value);
  return undefined;
}

/** `text` from `start`, without the spaces and tabs around a field value. */
function trimBlanks(text: string, start: number): string {
  let from = start;
  let to = text.length;
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function refuse(status: HeadRefusal['status'], reason: string): HeadRefusal {
  return { status, reason };
}

export function isRefusal<T extends object>(value: T | HeadRefusal): value is HeadRefusal {
  return 'status' in value;
}

/** How a request's body is delimited. */
export type Framing =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' };

const noBody: Framing = { kind: 'none' };

/**
 * The body's framing. A request with both a length and a transfer coding, or a coding other than
 * `chunked` alone, is refused rather than guessed at: that disagreement is request smuggling.
 */
export function bodyFraming(head: RequestHead): Framing | HeadRefusal {
  const coding = head.headers['transfer-encoding'];
  const length = head.headers['content-length'];
  if (coding !== undefined) {
    if (length !== undefined) return refuse(400, 'both Content-Length and Transfer-Encoding');
    if (head.httpVersion === '1.0') return refuse(400, 'Transfer-Encoding in HTTP/1.0');
    if (coding.toLowerCase() !== 'chunked') return refuse(501, 'unsupported transfer coding');
    return { kind: 'chunked' };
  }
  if (length === undefined) return noBody;
  if (!/^\d{1,15}$/.test(length)) return refuse(400, 'malformed Content-Length');
  const bytes = Number(length);
  return bytes === 0 ? noBody : { kind: 'length', length: bytes };
}
