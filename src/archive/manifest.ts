import { ServeError } from '../errors/index.js';
import { invalidModel, quote } from './invalid.js';

/** Where every archive keeps its manifest. */
export const MANIFEST_PATH = 'MAR-INF/MANIFEST.json';

/** TorchServe's model-name rule, shared by the archiver and the register API. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_\-.]*$/;

/** `model` section of `MAR-INF/MANIFEST.json`, TorchServe's field names. */
export interface ManifestModel {
  readonly modelName: string;
  /** The `.onnx` file, relative to the archive root. */
  readonly serializedFile: string;
  /** A built-in handler name, or `file.js` / `file.mjs`, optionally `file.js:function`. */
  readonly handler?: string;
  /** Accepted from TorchServe archives; ONNX models need no model definition file. */
  readonly modelFile?: string;
  readonly modelVersion: string;
  readonly requirementsFile?: string;
  readonly configFile?: string;
  readonly envelope?: string;
  readonly extensions?: string;
}

export interface Manifest {
  readonly createdOn?: string;
  readonly runtime: 'onnx';
  readonly model: ManifestModel;
  readonly archiverVersion?: string;
  readonly description?: string;
}

const optionalModelKeys = [
  'handler',
  'modelFile',
  'requirementsFile',
  'configFile',
  'envelope',
  'extensions',
] as const;
const optionalTopKeys = ['createdOn', 'archiverVersion', 'description'] as const;

/**
 * Validates the manifest's text. `fallbackName` stands in for a missing `modelName`, as TorchServe
 * derives one from the archive's file name. Refusals are InvalidModelException, except a runtime
 * other than `onnx`, which is TorchServe's BadRequestException `Invalid RuntimeType value`.
 */
export function parseManifest(text: string, fallbackName?: string): Manifest {
  const root = asObject(parseJson(text), MANIFEST_PATH);
  const model = asObject(root.model ?? {}, `${MANIFEST_PATH} "model"`);
  return {
    ...pickStrings(root, optionalTopKeys, ''),
    runtime: parseRuntime(root.runtime),
    model: {
      modelName: parseModelName(model.modelName, fallbackName),
      serializedFile: parseSerializedFile(model.serializedFile),
      modelVersion: parseVersion(model.modelVersion),
      ...pickStrings(model, optionalModelKeys, 'model.'),
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidModel(`${MANIFEST_PATH} is not valid JSON: ${reason}`);
  }
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidModel(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function pickStrings<K extends string>(
  source: Record<string, unknown>,
  keys: readonly K[],
  prefix: string,
): Partial<Record<K, string>> {
  const picked: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = source[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw invalidModel(`${MANIFEST_PATH}: ${prefix}${key} must be a string`);
    }
    picked[key] = value;
  }
  return picked;
}

function parseRuntime(value: unknown): 'onnx' {
  if (value === undefined || value === null || value === 'onnx') return 'onnx';
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw new ServeError('BadRequestException', `Invalid RuntimeType value: ${shown}`);
}

function parseModelName(value: unknown, fallbackName: string | undefined): string {
  if (value === undefined || value === null) {
    if (fallbackName !== undefined && MODEL_NAME_PATTERN.test(fallbackName)) return fallbackName;
    throw invalidModel(`${MANIFEST_PATH} has no model.modelName`);
  }
  if (typeof value !== 'string' || !MODEL_NAME_PATTERN.test(value)) {
    throw invalidModel(
      `${MANIFEST_PATH}: model.modelName ${quote(value)} does not match ${MODEL_NAME_PATTERN.source}`,
    );
  }
  return value;
}

function parseSerializedFile(value: unknown): string {
  if (value === undefined || value === null) {
    throw invalidModel(`${MANIFEST_PATH} has no model.serializedFile (the .onnx file)`);
  }
  if (typeof value !== 'string' || !value.toLowerCase().endsWith('.onnx')) {
    throw invalidModel(
      `${MANIFEST_PATH}: model.serializedFile ${quote(value)} is not an .onnx file`,
    );
  }
  return value;
}

function parseVersion(value: unknown): string {
  if (value === undefined || value === null) return '1.0';
  if (typeof value !== 'string' || !MODEL_NAME_PATTERN.test(value)) {
    throw invalidModel(
      `${MANIFEST_PATH}: model.modelVersion ${quote(value)} must be a string matching ${MODEL_NAME_PATTERN.source}`,
    );
  }
  return value;
}

/** What the archiver writes; optional fields are omitted when absent, as TorchServe does. */
export interface ManifestFields {
  readonly modelName: string;
  readonly serializedFile: string;
  readonly modelVersion: string;
  readonly handler?: string | undefined;
  readonly requirementsFile?: string | undefined;
  readonly configFile?: string | undefined;
  readonly archiverVersion: string;
  readonly createdOn?: Date;
}

/** The manifest text, keys in TorchServe's order, indented by 2. */
export function formatManifest(fields: ManifestFields): string {
  const manifest = {
    createdOn: formatCreatedOn(fields.createdOn ?? new Date()),
    runtime: 'onnx',
    model: {
      modelName: fields.modelName,
      serializedFile: fields.serializedFile,
      handler: fields.handler,
      modelVersion: fields.modelVersion,
      requirementsFile: fields.requirementsFile,
      configFile: fields.configFile,
    },
    archiverVersion: fields.archiverVersion,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** TorchServe writes local time as day/month/year hour:minute:second. */
export function formatCreatedOn(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  const day = `${two(date.getDate())}/${two(date.getMonth() + 1)}/${date.getFullYear()}`;
  return `${day} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
