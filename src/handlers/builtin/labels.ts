import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../errors.js';
import { isPlainObject } from '../inputs.js';

export const LABELS_FILE = 'index_to_name.json';

/** Class index to label; indices the file does not name are labelled by their number. */
export type Labels = (index: number) => string;

/**
 * Reads `index_to_name.json` from the model directory: `{"0": "cat", …}`, or TorchServe's
 * ImageNet form `{"0": ["n01440764", "tench"], …}` whose last item is the label. `undefined` when
 * the model has no such file.
 */
export async function readLabels(modelDir: string): Promise<Labels | undefined> {
  let text: string;
  try {
    text = await readFile(join(modelDir, LABELS_FILE), 'utf8');
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  const names = parseLabels(text);
  return (index) => names.get(index) ?? String(index);
}

function parseLabels(text: string): Map<number, string> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error: unknown) {
    throw new Error(`${LABELS_FILE} is not valid JSON: ${messageOf(error)}`);
  }
  if (!isPlainObject(document)) {
    throw new Error(`${LABELS_FILE} must map class indices to labels.`);
  }
  const names = new Map<number, string>();
  for (const [key, value] of Object.entries(document)) {
    const label: unknown = Array.isArray(value) ? (value as unknown[]).at(-1) : value;
    if (!/^\d+$/.test(key) || typeof label !== 'string') {
      throw new Error(
        `${LABELS_FILE} must map class indices to labels; got ${JSON.stringify(key)}: ${JSON.stringify(value)}.`,
      );
    }
    names.set(Number(key), label);
  }
  return names;
}
