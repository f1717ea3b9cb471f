import { ServeError } from '../../errors/index.js';
import type { RegisterRequest } from '../../models/index.js';
import type { RequestContext } from '../../server/route.js';

/** Reads one named parameter as text; undefined when not given. */
export type Params = (name: string) => string | undefined;

/** TorchServe's integer parameters: anything that is not a whole number counts as not given. */
export function integerParam(value: string | undefined): number | undefined {
  return value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
}

async function paramsOf(context: RequestContext): Promise<{ get: Params; json: boolean }> {
  const contentType = context.req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('application/json')) {
    return { get: (name) => context.query.get(name) ?? undefined, json: false };
  }
  let body: unknown;
  try {
    body = JSON.parse((await context.readBody()).toString('utf8'));
  } catch {
    throw new ServeError('BadRequestException', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ServeError('BadRequestException', 'The request body must be a JSON object.');
  }
  const record = body as Record<string, unknown>;
  const get: Params = (name) => {
    const value = record[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    return typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
  };
  return { get, json: true };
}

/**
 * Register parameters from the query string, or from a JSON body with the same names when the
 * request says `application/json`. `synchronous` defaults to true on the query (TorchServe's
 * code) and false in JSON.
 */
export async function parseRegisterRequest(context: RequestContext): Promise<RegisterRequest> {
  const { get, json } = await paramsOf(context);
  return registerRequestFrom(get, !json);
}

/** Register parameters from any source of named values (query, JSON body, gRPC message). */
export function registerRequestFrom(get: Params, synchronousByDefault: boolean): RegisterRequest {
  const url = get('url');
  if (url === undefined || url === '') {
    throw new ServeError('BadRequestException', 'Parameter url is required.');
  }
  const synchronous = get('synchronous');
  return {
    url,
    modelName: get('model_name'),
    handler: get('handler'),
    runtime: get('runtime'),
    synchronous:
      synchronous === undefined ? synchronousByDefault : synchronous.toLowerCase() === 'true',
    batchSize: integerParam(get('batch_size')),
    maxBatchDelay: integerParam(get('max_batch_delay')),
    initialWorkers: integerParam(get('initial_workers')),
    responseTimeout: integerParam(get('response_timeout')),
    startupTimeout: integerParam(get('startup_timeout')),
  };
}
