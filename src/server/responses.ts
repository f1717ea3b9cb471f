import type { ServerResponse } from 'node:http';
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
}

/**
 * Writes replies with the conventions of every listener: `x-request-id`, no-cache headers, CORS
 * headers when configured, and `Connection: close` on errors. Returns the status written.
 */
export function createReplyWriter(corsHeaders: readonly [string, string][]): ReplyWriter {
  const fixedHeaders = [...noCacheHeaders, ...corsHeaders].flat();

  function write(res: ServerResponse, requestId: string, reply: Reply): number {
    const status = reply.status ?? 200;
    const payload = reply.json === undefined ? (reply.body ?? '') : formatJson(reply.json);
    const contentType = reply.json === undefined ? reply.contentType : 'application/json';

    // One flat [name, value, …] list: writeHead takes it as it is.
    const headers = ['x-request-id', requestId, ...fixedHeaders];
    if (contentType !== undefined) headers.push('Content-Type', contentType);
    if (reply.headers !== undefined) {
      for (const name in reply.headers) headers.push(name, reply.headers[name] as string);
    }
    headers.push('Content-Length', String(Buffer.byteLength(payload)));
    if (status >= 400) headers.push('Connection', 'close');

    res.writeHead(status, headers);
    res.end(payload);
    return status;
  }

  function writeError(res: ServerResponse, requestId: string, error: unknown): number {
    const body = toErrorBody(error);
    const headers = error instanceof ServeError ? error.headers : {};
    return write(res, requestId, { status: body.code, json: body, headers });
  }

  return { write, writeError };
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
