import busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';
import { ServeError } from '../../errors/index.js';
import type { HandlerInput, HandlerRequest } from '../../handlers/index.js';
import type { RequestContext } from '../../server/route.js';

const MAX_PARTS = 1000;

function headerMap(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function text(name: string, value: string): HandlerInput {
  return { name, data: Buffer.from(value, 'utf8'), contentType: 'text/plain' };
}

/** Splits a multipart body into inputs; several parts may share a name (a client-side batch). */
function multipartInputs(body: Buffer, headers: IncomingHttpHeaders): Promise<HandlerInput[]> {
  return new Promise((resolve, reject) => {
    const inputs: HandlerInput[] = [];
    const parser = busboy({ headers, limits: { parts: MAX_PARTS, fieldSize: body.length + 1 } });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const input: HandlerInput = {
          name,
          data: Buffer.concat(chunks),
          contentType: info.mimeType,
        };
        if (info.filename !== undefined) input.fileName = info.filename;
        inputs.push(input);
      });
    });
    parser.on('field', (name, value) => inputs.push(text(name, value)));
    parser.on('partsLimit', () =>
      reject(new ServeError('BadRequestException', `More than ${MAX_PARTS} form parts.`)),
    );
    parser.on('error', (error: unknown) =>
      reject(
        new ServeError(
          'BadRequestException',
          `Malformed multipart body: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
    );
    parser.on('close', () => resolve(inputs));
    parser.end(body);
  });
}

async function bodyInputs(context: RequestContext): Promise<HandlerInput[]> {
  const body = await context.readBody();
  const contentType = context.req.headers['content-type'] ?? '';
  const kind = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (kind === 'multipart/form-data') {
    try {
      return await multipartInputs(body, context.req.headers);
    } catch (error: unknown) {
      if (error instanceof ServeError) throw error;
      throw new ServeError('BadRequestException', 'Malformed multipart body.');
    }
  }
  if (kind === 'application/x-www-form-urlencoded') {
    return [...new URLSearchParams(body.toString('utf8'))].map(([name, value]) =>
      text(name, value),
    );
  }
  if (body.length === 0) return [];
  const input: HandlerInput = { name: 'body', data: body };
  if (contentType !== '') input.contentType = contentType;
  return [input];
}

/**
 * A prediction request as TorchServe hands it to a handler: query parameters and form fields as
 * named inputs, any other body as one input named `body`, and the headers (credentials were
 * removed before this runs). Extra path segments travel in the `url_path` header.
 */
export async function decodeRequest(
  context: RequestContext,
  options: { explain?: boolean; urlPath?: string | undefined } = {},
): Promise<HandlerRequest> {
  const inputs = [...context.query].map(([name, value]) => text(name, value));
  inputs.push(...(await bodyInputs(context)));
  const headers = headerMap(context.req.headers);
  if (options.urlPath !== undefined && options.urlPath !== '') headers.url_path = options.urlPath;
  const request: HandlerRequest = { requestId: context.requestId, inputs, headers };
  if (options.explain === true) request.explain = true;
  return request;
}
