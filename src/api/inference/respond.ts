import { ServeError } from '../../errors/index.js';
import type { HandlerResponse } from '../../handlers/index.js';
import type { Reply } from '../../server/route.js';

/** A handler's answer as the HTTP reply; no content type unless the handler set one. */
export function toReply(response: HandlerResponse): Reply {
  const body =
    typeof response.body === 'string'
      ? response.body
      : Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
  const reply: { -readonly [K in keyof Reply]: Reply[K] } = {
    status: response.status ?? 200,
    body,
  };
  if (response.contentType !== undefined) reply.contentType = response.contentType;
  if (response.headers !== undefined) reply.headers = response.headers;
  return reply;
}

/** Input errors from the engine or a handler are the client's: 400 with their message. */
export function asClientError(error: unknown): unknown {
  if (error instanceof TypeError || error instanceof RangeError) {
    return new ServeError('BadRequestException', error.message);
  }
  return error;
}
