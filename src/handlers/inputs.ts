import type { HandlerInput, HandlerRequest } from './handler.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The inputs holding the payload: those named `data`, else those named `body`, as TorchServe's
 * handlers read them.
 */
export function payloadInputs(request: HandlerRequest): HandlerInput[] {
  for (const name of ['data', 'body']) {
    const found = request.inputs.filter((input) => input.name === name);
    if (found.length > 0) return found;
  }
  const names = request.inputs.map((input) => `'${input.name}'`);
  const has = names.length === 0 ? 'it has no inputs' : `it has ${names.join(', ')}`;
  throw new TypeError(`The request needs an input named 'data' or 'body'; ${has}.`);
}

/** The one payload input of a request that takes a single document. */
export function payloadInput(request: HandlerRequest): HandlerInput {
  const inputs = payloadInputs(request);
  const [first] = inputs;
  if (first === undefined || inputs.length > 1) {
    throw new TypeError(`Input '${first?.name}' must be sent once, got ${inputs.length} parts.`);
  }
  return first;
}

export function readText(input: HandlerInput): string {
  try {
    return utf8.decode(input.data);
  } catch {
    throw new TypeError(`Input '${input.name}' must be UTF-8 text.`);
  }
}

export function readJson(input: HandlerInput): unknown {
  const text = readText(input);
  if (text.trim() === '') throw new TypeError(`Input '${input.name}' is empty; expected JSON.`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`Input '${input.name}' must be JSON: ${reason}.`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
