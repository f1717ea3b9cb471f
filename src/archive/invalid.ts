import { ServeError } from '../errors/index.js';

/** The 400 every refused archive gets; the message says what is wrong and where. */
export function invalidModel(message: string): ServeError {
  return new ServeError('InvalidModelException', message);
}

/** Quotes a value from an archive for a message, shortening what an attacker made long. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 200 ? `${text.slice(0, 197)}..."` : text;
}
