import { join } from 'node:path';
import { checkExternalData } from './external-data.js';
import { parseHandler } from './handler.js';
import { MANIFEST_PATH, parseManifest, type Manifest } from './manifest.js';
import { emptyModelConfig, parseModelConfig, type ModelConfig } from './model-config.js';
import {
  findModelRoot,
  insidePath,
  isFile,
  readMetadataFile,
  requireModelFile,
} from './model-files.js';

export type ArchiveFormat = 'zip' | 'tgz' | 'directory';

/** A handler as the archive resolves it: built-in by name, or a module file inside `dir`. */
export type ArchiveHandler =
  | { readonly kind: 'builtin'; readonly name: string }
  | {
      readonly kind: 'file';
      /** Absolute path of the `.js`/`.mjs` file. */
      readonly path: string;
      /** The exported function named after `:` in the manifest, if any. */
      readonly entryPoint: string | undefined;
    };

/** A model archive opened and checked: every path in it is absolute and inside `dir`. */
export interface ModelArchive {
  /** The directory holding the model's files (the one with `MAR-INF/`). */
  readonly dir: string;
  /** What `dir` came from. */
  readonly format: ArchiveFormat;
  /**
   * The fresh directory `openArchive` extracted into, for `discardArchive` to remove; `undefined`
   * when a directory was opened in place.
   */
  readonly extractedDir: string | undefined;
  readonly manifest: Manifest;
  /** The model-config file the manifest names, or an empty config when it names none. */
  readonly modelConfig: ModelConfig;
  /** Values in the model config that were ignored, and a config file named but absent. */
  readonly modelConfigWarnings: readonly string[];
  /** Absolute path of the `.onnx` file. */
  readonly serializedFilePath: string;
  /** Absolute paths of the ONNX external data files the model refers to. */
  readonly externalDataFiles: readonly string[];
  /** `undefined` when the manifest names none: the server picks a default when it loads. */
  readonly handler: ArchiveHandler | undefined;
}

export interface LoadContext {
  readonly format: ArchiveFormat;
  readonly extractedDir: string | undefined;
  /** Stands in for a manifest without `modelName`, as TorchServe derives one from the file name. */
  readonly fallbackName: string;
}

/** Reads and checks everything the manifest refers to, in a directory already on disk. */
export async function loadModelDir(root: string, context: LoadContext): Promise<ModelArchive> {
  const dir = await findModelRoot(root);
  const manifestText = await readMetadataFile(join(dir, MANIFEST_PATH), MANIFEST_PATH);
  const manifest = parseManifest(manifestText, context.fallbackName);
  const serializedFilePath = await requireModelFile(
    dir,
    manifest.model.serializedFile,
    'model.serializedFile',
  );
  const handler = await resolveHandler(dir, manifest.model.handler);
  const { config, warnings } = await readModelConfig(dir, manifest.model.configFile);
  const externalDataFiles = await checkExternalData(serializedFilePath, dir);
  return Object.freeze({
    dir,
    format: context.format,
    extractedDir: context.extractedDir,
    manifest,
    modelConfig: config,
    modelConfigWarnings: warnings,
    serializedFilePath,
    externalDataFiles,
    handler,
  });
}

async function resolveHandler(
  dir: string,
  handler: string | undefined,
): Promise<ArchiveHandler | undefined> {
  if (handler === undefined || handler === '') return undefined;
  const spec = parseHandler(handler);
  if (spec.kind === 'builtin') return spec;
  const path = await requireModelFile(dir, spec.file, 'model.handler');
  return { kind: 'file', path, entryPoint: spec.entryPoint };
}

async function readModelConfig(
  dir: string,
  configFile: string | undefined,
): Promise<{ config: ModelConfig; warnings: readonly string[] }> {
  if (configFile === undefined || configFile === '') {
    return { config: emptyModelConfig, warnings: [] };
  }
  const path = insidePath(dir, configFile, 'model.configFile');
  if (!(await isFile(path))) {
    const warning = `model.configFile ${JSON.stringify(configFile)} is not in the archive; using no model config`;
    return { config: emptyModelConfig, warnings: [warning] };
  }
  return parseModelConfig(await readMetadataFile(path, configFile), configFile);
}
