/** What only `JSON.stringify` writes right: quotes, backslashes, control and non-ASCII characters. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const needsEscaping = /["\\\u0000-\u001f\u007f-\uffff]/;

/**
 * `value` as a JSON string, the same text `JSON.stringify(value)` gives. Printable ASCII without
 * quotes or backslashes (most names, ids and paths) is quoted directly: `JSON.stringify` of a
 * short string costs ~150 ns, and the hot paths write several per request.
 */
export function jsonString(value: string): string {
  return needsEscaping.test(value) ? JSON.stringify(value) : `"${value}"`;
}
