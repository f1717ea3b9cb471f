/**
 * A JSON value whose objects keep their key order: a `Map` stands for an object, since a plain
 * object lists integer-like keys (labels such as "7") in ascending order whatever their ranking.
 */
export type OrderedJson =
  number | string | boolean | null | readonly OrderedJson[] | ReadonlyMap<string, OrderedJson>;

/** JSON indented by 2 spaces, as Python's `json.dumps(value, indent=2)` writes it. */
export function prettyJson(value: OrderedJson, indent = ''): string {
  const inner = `${indent}  `;
  if (value instanceof Map) {
    if (value.size === 0) return '{}';
    const members = [...(value as ReadonlyMap<string, OrderedJson>)].map(
      ([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`,
    );
    return `{\n${members.join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = (value as readonly OrderedJson[]).map(
      (item) => `${inner}${prettyJson(item, inner)}`,
    );
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  return JSON.stringify(value) ?? 'null';
}
