import { ServeError } from '../errors/index.js';
import { BodyError, type HttpRequest } from '../http/index.js';

export function tooLarge(limit: number): ServeError {
  return new ServeError(
    'RequestEntityTooLargeException',
    `Request body is larger than max_request_size (${limit} bytes).`,
  );
}

/** Reads a request body into one buffer; the server refuses more than `limit` bytes. */
export async function readBody(req: HttpRequest, limit: number): Promise<Buffer> {
  try {
    return await req.readBody();
  } catch (error: unknown) {
    if (!(error instanceof BodyError)) throw error;
    if (error.kind === 'too-large') throw tooLarge(limit);
    throw new ServeError(
      'BadRequestException',
      `Could not read the request body: ${error.message}`,
    );
  }
}
