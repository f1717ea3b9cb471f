import { isPlainObject } from '../inputs.js';

/** Feature vectors read from one request input. */
export interface TabularRows {
  readonly rows: number[][];
  /** The input held one vector rather than a list of them, so the answer is one value too. */
  readonly single: boolean;
}

/**
 * Reads `[f1, …]`, `[[…], …]`, `{"<feature>": v, …}` or a list of such objects. Named features
 * are put in the order of `names`, the model config's `feature_names`.
 */
export function jsonRows(
  document: unknown,
  names: readonly string[] | undefined,
  source: string,
): TabularRows {
  if (isPlainObject(document))
    return { rows: [namedRow(document, names, source, 1)], single: true };
  if (!Array.isArray(document) || document.length === 0) {
    throw new TypeError(
      `Input '${source}' must be a feature list, a list of them, or features by name.`,
    );
  }
  if (document.every((item) => typeof item === 'number')) {
    return { rows: [document], single: true };
  }
  const rows = document.map((item: unknown, index) => {
    if (isPlainObject(item)) return namedRow(item, names, source, index + 1);
    if (Array.isArray(item)) return numberRow(item, source, index + 1);
    throw new TypeError(
      `Row ${index + 1} of input '${source}' must be a list of numbers or features by name.`,
    );
  });
  return { rows, single: false };
}

/** CSV rows of numbers; a first line that is not all numbers is a header naming the columns. */
export function csvRows(
  text: string,
  names: readonly string[] | undefined,
  source: string,
): TabularRows {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const cells = lines.map((line) => line.split(',').map(unquote));
  const [first = []] = cells;
  const hasHeader = first.some((cell) => !isNumeric(cell));
  const order = hasHeader ? columnOrder(first, names, source) : undefined;
  const body = hasHeader ? cells.slice(1) : cells;
  if (body.length === 0) throw new TypeError(`Input '${source}' has no CSV rows.`);
  const rows = body.map((row, index) => {
    const line = index + (hasHeader ? 2 : 1);
    const values = row.map((cell, column) => csvNumber(cell, source, line, column + 1));
    return order === undefined ? values : order.map((column) => values[column] ?? Number.NaN);
  });
  return { rows, single: false };
}

function namedRow(
  row: Record<string, unknown>,
  names: readonly string[] | undefined,
  source: string,
  rowNumber: number,
): number[] {
  const where = `Row ${rowNumber} of input '${source}'`;
  if (names === undefined) {
    throw new TypeError(
      `${where} names its features, but the model config sets no handler.feature_names.`,
    );
  }
  const unknown = Object.keys(row).find((key) => !names.includes(key));
  if (unknown !== undefined) {
    throw new TypeError(
      `${where} has unknown feature '${unknown}'; the model takes ${names.join(', ')}.`,
    );
  }
  return names.map((name) => {
    if (!Object.hasOwn(row, name)) throw new TypeError(`${where} lacks feature '${name}'.`);
    const value = row[name];
    if (typeof value !== 'number') {
      throw new TypeError(
        `${where}: feature '${name}' must be a number, got ${JSON.stringify(value)}.`,
      );
    }
    return value;
  });
}

function numberRow(row: readonly unknown[], source: string, rowNumber: number): number[] {
  const bad = row.findIndex((value) => typeof value !== 'number');
  if (bad >= 0) {
    throw new TypeError(
      `Row ${rowNumber} of input '${source}': feature ${bad + 1} must be a number, got ${JSON.stringify(row[bad])}.`,
    );
  }
  return row as number[];
}

/** Where each configured feature sits in the CSV, by the header's names. */
function columnOrder(
  header: readonly string[],
  names: readonly string[] | undefined,
  source: string,
): number[] | undefined {
  if (names === undefined) return undefined;
  const order = names.map((name) => header.indexOf(name));
  if (order.includes(-1) || header.length !== names.length) {
    throw new TypeError(
      `The CSV header of input '${source}' must name the features ${names.join(', ')}; got ${header.join(', ')}.`,
    );
  }
  return order;
}

function csvNumber(cell: string, source: string, line: number, column: number): number {
  if (!isNumeric(cell)) {
    throw new TypeError(
      `Line ${line}, column ${column} of input '${source}' must be a number, got ${JSON.stringify(cell)}.`,
    );
  }
  return Number(cell);
}

function isNumeric(cell: string): boolean {
  return cell !== '' && Number.isFinite(Number(cell));
}

function unquote(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).trim()
    : trimmed;
}
