import type { HandlerResponse } from './handler.js';
import { isPlainObject } from './inputs.js';

export function jsonResponse(text: string): HandlerResponse {
  return { contentType: 'application/json', body: text };
}

/**
 * Turns what a custom handler returned into a response: bytes and strings as they are, an object
 * with a `body` as a response, anything else as JSON indented by 2 spaces (as TorchServe encodes
 * a handler's return value, without a content type). A malformed response is the handler's fault,
 * so it throws a plain `Error`.
 */
export function toResponse(value: unknown): HandlerResponse {
  if (typeof value === 'string' || value instanceof Uint8Array) return { body: value };
  if (isPlainObject(value) && 'body' in value) return checkedResponse(value);
  if (value === undefined) throw new Error('The handler returned no response.');
  try {
    return { body: JSON.stringify(value, null, 2) };
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`The handler's response cannot be encoded as JSON: ${reason}`);
  }
}

function checkedResponse(value: Record<string, unknown>): HandlerResponse {
  const { status, contentType, headers, body } = value;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new Error("The handler's response body must be a string or a Uint8Array.");
  }
  const response: HandlerResponse = { body };
  if (status !== undefined) response.status = checkedStatus(status);
  if (contentType !== undefined) {
    if (typeof contentType !== 'string') {
      throw new Error("The handler's response contentType must be a string.");
    }
    response.contentType = contentType;
  }
  if (headers !== undefined) response.headers = checkedHeaders(headers);
  return response;
}

function checkedStatus(status: unknown): number {
  if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) {
    return status;
  }
  throw new Error(`The handler's response status must be 100 to 599, got ${String(status)}.`);
}

function checkedHeaders(headers: unknown): Record<string, string> {
  if (!isPlainObject(headers) || !Object.values(headers).every((v) => typeof v === 'string')) {
    throw new Error("The handler's response headers must map names to strings.");
  }
  return { ...(headers as Record<string, string>) };
}
