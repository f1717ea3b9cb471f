import { STATUS_CODES, type ServerResponse } from 'node:http';
import { toErrorBody, ServeError } from '../errors/index.js';
import type { Reply } from './route.js';

/** TorchServe's frontend JSON: two-space indent, then one newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Headers every reply carries, as TorchServe sends them. */
const noCacheHeaders: readonly [string, string][] = [
  ['Pragma', 'no-cache'],
  ['Cache-Control', 'no-cache; no-store, must-revalidate, private'],
  ['Expires', 'Thu, 01 Jan 1970 00:00:00 UTC'],
];

export interface ReplyWriter {
  write(res: ServerResponse, requestId: string, reply: Reply): number;
  writeError(res: ServerResponse, requestId: string, error: unknown): number;
  /**
   * The whole HTTP message of an error reply, status line to body, with the same headers: for a
   * socket that has no response object (`node:http`'s `clientError`).
   */
  errorMessage(requestId: string, error: unknown): string;
}

/**
 * Writes replies with the conventions of every listener: `x-request-id`, no-cache headers, CORS
 * headers when configured, and `Connection: close` on errors. Returns the status written.
 */
export function createReplyWriter(corsHeaders: readonly [string, string][]): ReplyWriter {
  const fixedHeaders = [...noCacheHeaders, ...corsHeaders].flat();

  /** One flat [name, value, …] list, as `writeHead` takes it. */
  function headersOf(requestId: string, reply: Reply, payload: string | Uint8Array): string[] {
    const contentType = reply.json === undefined ? reply.contentType : 'application/json';
    const headers = ['x-request-id', requestId, ...fixedHeaders];
    if (contentType !== undefined) headers.push('Content-Type', contentType);
    if (reply.headers !== undefined) {
      for (const name in reply.headers) headers.push(name, reply.headers[name] as string);
    }
    headers.push('Content-Length', String(Buffer.byteLength(payload)));
    if ((reply.status ?? 200) >= 400) headers.push('Connection', 'close');
    return headers;
  }

  function write(res: ServerResponse, requestId: string, reply: Reply): number {
    const status = reply.status ?? 200;
    const payload = payloadOf(reply);
    res.writeHead(status, headersOf(requestId, reply, payload));
    res.end(payload);
    return status;
  }

  function writeError(res: ServerResponse, requestId: string, error: unknown): number {
    return write(res, requestId, errorReply(error));
  }

  function errorMessage(requestId: string, error: unknown): string {
    const reply = errorReply(error);
    const status = reply.status ?? 500;
    const payload = formatJson(reply.json);
    const headers = headersOf(requestId, reply, payload);
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
    for (let index = 0; index + 1 < headers.length; index += 2) {
      head += `${headers[index]}: ${headers[index + 1]}\r\n`;
    }
    return `${head}\r\n${payload}`;
  }

  return { write, writeError, errorMessage };
}

function payloadOf(reply: Reply): string | Uint8Array {
  return reply.json === undefined ? (reply.body ?? '') : formatJson(reply.json);
}

function errorReply(error: unknown): Reply {
  const body = toErrorBody(error);
  const headers = error instanceof ServeError ? error.headers : {};
  return { status: body.code, json: body, headers };
}

/** `cors_allowed_*` settings as response headers; none when unset. */
export function corsHeaders(settings: {
  readonly cors_allowed_origin: string | undefined;
  readonly cors_allowed_methods: string | undefined;
  readonly cors_allowed_headers: string | undefined;
}): [string, string][] {
  const headers: [string, string][] = [];
  if (settings.cors_allowed_origin !== undefined) {
    headers.push(['Access-Control-Allow-Origin', settings.cors_allowed_origin]);
  }
  if (settings.cors_allowed_methods !== undefined) {
    headers.push(['Access-Control-Allow-Methods', settings.cors_allowed_methods]);
  }
  if (settings.cors_allowed_headers !== undefined) {
    headers.push(['Access-Control-Allow-Headers', settings.cors_allowed_headers]);
  }
  return headers;
}
