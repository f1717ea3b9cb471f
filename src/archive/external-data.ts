import { open, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { invalidModel, quote } from './invalid.js';
import { MalformedProtobuf, ProtoCursor } from './proto-cursor.js';

/**
 * ONNX keeps large tensors outside the model file when `TensorProto.external_data` has a
 * `location`; ONNX Runtime opens that path relative to the model file. This scans the model's
 * protobuf (graph initializers, sparse initializers, and tensor attributes of nodes, subgraphs
 * included; not training info or function bodies) without loading tensor data, and refuses a
 * location that is absolute, climbs with `..`, or names a file the archive does not hold.
 * Returns the absolute paths of the external files.
 */
export async function checkExternalData(modelPath: string, archiveDir: string): Promise<string[]> {
  const locations = await readLocations(modelPath);
  const checks = [...locations].map(async (location) => {
    const file = locate(location, modelPath, archiveDir);
    await requireFile(file, modelPath, location);
    return file;
  });
  return Promise.all(checks);
}

async function readLocations(modelPath: string): Promise<Set<string>> {
  const handle = await open(modelPath, 'r');
  try {
    const cursor = new ProtoCursor(handle, (await handle.stat()).size);
    const locations = new Set<string>();
    await scanModel({ cursor, locations });
    return locations;
  } catch (error: unknown) {
    if (!(error instanceof MalformedProtobuf)) throw error;
    throw invalidModel(`${basename(modelPath)} is not an ONNX model: ${error.message}`);
  } finally {
    await handle.close();
  }
}

function locate(location: string, modelPath: string, archiveDir: string): string {
  const problem = locationProblem(location);
  const target = resolve(dirname(modelPath), location);
  const rel = relative(archiveDir, target);
  const outside = rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  if (problem !== undefined || outside) {
    throw invalidModel(
      `${basename(modelPath)}: external data location ${quote(location)} ${problem ?? 'is outside the model directory'}`,
    );
  }
  return target;
}

function locationProblem(location: string): string | undefined {
  if (location === '' || location.includes('\0')) return 'is not a file name';
  if (/^([A-Za-z]:|[\\/])/.test(location)) return 'is an absolute path';
  if (location.split(/[\\/]/).includes('..')) return 'leaves the model directory (..)';
  return undefined;
}

async function requireFile(file: string, modelPath: string, location: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (info?.isFile() !== true) {
    throw invalidModel(
      `${basename(modelPath)}: external data file ${quote(location)} is not in the archive`,
    );
  }
}

interface ScanState {
  readonly cursor: ProtoCursor;
  readonly locations: Set<string>;
}

type FieldHandlers = Readonly<Partial<Record<number, (end: number) => Promise<void>>>>;

const MAX_GRAPH_DEPTH = 64;
const MAX_TEXT_BYTES = 64 * 1024;

/** Walks one message's fields, handing the length-delimited ones listed in `handlers` over. */
async function forEachField(
  cursor: ProtoCursor,
  end: number,
  handlers: FieldHandlers,
): Promise<void> {
  while (cursor.position < end) {
    await cursor.ensure(20);
    const tag = cursor.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw cursor.malformed('field number 0');
    switch (tag % 8) {
      case 0:
        cursor.varint();
        break;
      case 1:
        cursor.skip(8, end);
        break;
      case 5:
        cursor.skip(4, end);
        break;
      case 2:
        await delimited(cursor, end, handlers[field]);
        break;
      default:
        throw cursor.malformed(`unsupported wire type ${tag % 8}`);
    }
  }
  if (cursor.position !== end) throw cursor.malformed('field runs past its message');
}

async function delimited(
  cursor: ProtoCursor,
  end: number,
  handler: ((end: number) => Promise<void>) | undefined,
): Promise<void> {
  const length = cursor.varint();
  const fieldEnd = cursor.position + length;
  if (fieldEnd > end) throw cursor.malformed('field runs past its message');
  if (handler !== undefined) await handler(fieldEnd);
  cursor.position = fieldEnd;
}

/** ModelProto: graph = 7. */
async function scanModel(state: ScanState): Promise<void> {
  await forEachField(state.cursor, state.cursor.size, {
    7: (end) => scanGraph(state, end, 1),
  });
}

/** GraphProto: node = 1, initializer = 5, sparse_initializer = 15. */
async function scanGraph(state: ScanState, end: number, depth: number): Promise<void> {
  if (depth > MAX_GRAPH_DEPTH) throw state.cursor.malformed('subgraphs nested too deeply');
  await forEachField(state.cursor, end, {
    1: (nodeEnd) => scanNode(state, nodeEnd, depth),
    5: (tensorEnd) => scanTensor(state, tensorEnd),
    15: (sparseEnd) => scanSparseTensor(state, sparseEnd),
  });
}

/** NodeProto: attribute = 5. */
async function scanNode(state: ScanState, end: number, depth: number): Promise<void> {
  await forEachField(state.cursor, end, {
    5: (attributeEnd) => scanAttribute(state, attributeEnd, depth),
  });
}

/** AttributeProto: t = 5, g = 6, tensors = 10, graphs = 11, sparse_tensor(s) = 22, 23. */
async function scanAttribute(state: ScanState, end: number, depth: number): Promise<void> {
  const tensor = (tensorEnd: number): Promise<void> => scanTensor(state, tensorEnd);
  const graph = (graphEnd: number): Promise<void> => scanGraph(state, graphEnd, depth + 1);
  const sparse = (sparseEnd: number): Promise<void> => scanSparseTensor(state, sparseEnd);
  await forEachField(state.cursor, end, {
    5: tensor,
    6: graph,
    10: tensor,
    11: graph,
    22: sparse,
    23: sparse,
  });
}

/** SparseTensorProto: values = 1, indices = 2. */
async function scanSparseTensor(state: ScanState, end: number): Promise<void> {
  const tensor = (tensorEnd: number): Promise<void> => scanTensor(state, tensorEnd);
  await forEachField(state.cursor, end, { 1: tensor, 2: tensor });
}

/** TensorProto: external_data = 13. */
async function scanTensor(state: ScanState, end: number): Promise<void> {
  await forEachField(state.cursor, end, {
    13: (entryEnd) => scanExternalEntry(state, entryEnd),
  });
}

/** StringStringEntryProto: key = 1, value = 2. */
async function scanExternalEntry(state: ScanState, end: number): Promise<void> {
  let key: string | undefined;
  let value: string | undefined;
  await forEachField(state.cursor, end, {
    1: async (textEnd) => {
      key = await readText(state.cursor, textEnd);
    },
    2: async (textEnd) => {
      value = await readText(state.cursor, textEnd);
    },
  });
  if (key === 'location' && value !== undefined) state.locations.add(value);
}

async function readText(cursor: ProtoCursor, end: number): Promise<string> {
  const length = end - cursor.position;
  if (length > MAX_TEXT_BYTES) throw cursor.malformed('external data entry is too long');
  await cursor.ensure(length);
  return cursor.text(length);
}
