import { mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  MODEL_NAME_PATTERN,
  formatManifest,
  parseHandler,
  parseModelConfig,
} from '../archive/index.js';
import { probeModel } from '../engine/index.js';
import { version } from '../version.js';
import { ArchiveContents, addExtraFiles, addNamedFile } from './collect.js';
import type { ArchiveFormatOption, ArchiverOptions } from './options.js';
import { writeDirectory, writeTarGz, writeZip, type ArchivePlan } from './writers.js';

export interface ArchiveResult {
  /** The `.mar`, `.tar.gz` or directory written. */
  readonly outputPath: string;
  /** Paths inside the archive, manifest excluded. */
  readonly files: readonly string[];
  /** Things worth telling the user that did not stop the archive. */
  readonly warnings: readonly string[];
}

const extensions: Record<ArchiveFormatOption, string> = {
  default: '.mar',
  'zip-store': '.mar',
  tgz: '.tar.gz',
  'no-archive': '',
};

/**
 * Builds a model archive. Everything is checked before anything is written: the name and version,
 * that the serialized file loads in ONNX Runtime, the handler, the config file and every extra
 * file. The archive is written beside its final path and renamed into place, so a failure leaves
 * no partial output. Throws an Error whose message is one line naming what is wrong.
 */
export async function archiveModel(options: ArchiverOptions): Promise<ArchiveResult> {
  const cwd = options.cwd ?? process.cwd();
  const format = options.archiveFormat ?? 'default';
  checkNames(options);
  const serializedFile = resolve(cwd, options.serializedFile);
  await checkModel(serializedFile);
  const gathered = await gather(options, serializedFile, cwd);
  const exportPath = await checkExportPath(resolve(cwd, options.exportPath ?? '.'));
  const outputPath = join(exportPath, `${options.modelName}${extensions[format]}`);
  await checkOutput(outputPath, options.force === true);
  const manifest = formatManifest({
    ...gathered.manifestFiles,
    modelName: options.modelName,
    serializedFile: basename(serializedFile),
    modelVersion: options.version,
    archiverVersion: version,
  });
  const plan: ArchivePlan = { files: gathered.contents.list(), manifest };
  await writeInPlace(plan, format, outputPath, options.modelName);
  const files = plan.files.map((file) => file.archivePath);
  return { outputPath, files, warnings: gathered.warnings };
}

interface Gathered {
  readonly contents: ArchiveContents;
  readonly manifestFiles: {
    readonly handler: string | undefined;
    readonly configFile: string | undefined;
    readonly requirementsFile: string | undefined;
  };
  readonly warnings: readonly string[];
}

async function gather(options: ArchiverOptions, model: string, cwd: string): Promise<Gathered> {
  const contents = new ArchiveContents();
  const warnings: string[] = [];
  await addNamedFile(contents, model, '--serialized-file');
  const handler = await addHandler(contents, options.handler, cwd);
  const configFile = await addConfigFile(contents, options.configFile, cwd, warnings);
  const requirementsFile =
    options.requirementsFile === undefined
      ? undefined
      : await addNamedFile(
          contents,
          resolve(cwd, options.requirementsFile),
          '-r/--requirements-file',
        );
  if (options.modelFile !== undefined) {
    warnings.push('--model-file is ignored: an ONNX model needs no model definition file');
  }
  await addExtraFiles(contents, options.extraFiles ?? [], cwd);
  return { contents, manifestFiles: { handler, configFile, requirementsFile }, warnings };
}

function checkNames(options: ArchiverOptions): void {
  const rule = 'letters, digits, _, - and ., starting with a letter or digit';
  if (!MODEL_NAME_PATTERN.test(options.modelName)) {
    throw new RangeError(`--model-name ${JSON.stringify(options.modelName)}: expected ${rule}`);
  }
  if (!MODEL_NAME_PATTERN.test(options.version)) {
    throw new RangeError(`-v/--version ${JSON.stringify(options.version)}: expected ${rule}`);
  }
  if (options.runtime !== undefined && options.runtime !== 'onnx') {
    throw new RangeError(
      `--runtime ${JSON.stringify(options.runtime)}: onnx-model-archiver makes ONNX archives; only onnx is accepted`,
    );
  }
}

async function checkModel(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile() !== true) throw new Error(`--serialized-file: file not found: ${path}`);
  if (!path.toLowerCase().endsWith('.onnx')) {
    throw new Error(`--serialized-file must be an .onnx file: ${path}`);
  }
  try {
    await probeModel(path);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`--serialized-file ${path} is not a loadable ONNX model: ${reason}`);
  }
}

/** A built-in handler is only named; a handler file is copied and named by its base name. */
async function addHandler(
  contents: ArchiveContents,
  handler: string | undefined,
  cwd: string,
): Promise<string | undefined> {
  if (handler === undefined || handler === '') return undefined;
  const spec = parseHandler(handler);
  if (spec.kind === 'builtin') return spec.name;
  const name = await addNamedFile(contents, resolve(cwd, spec.file), '--handler');
  return spec.entryPoint === undefined ? name : `${name}:${spec.entryPoint}`;
}

/** The config is parsed now so that a broken one fails here rather than at registration. */
async function addConfigFile(
  contents: ArchiveContents,
  path: string | undefined,
  cwd: string,
  warnings: string[],
): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const name = await addNamedFile(contents, resolve(cwd, path), '-c/--config-file');
  const parsed = parseModelConfig(await readFile(resolve(cwd, path), 'utf8'), name);
  warnings.push(...parsed.warnings);
  return name;
}

async function checkExportPath(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory() !== true) throw new Error(`--export-path is not a directory: ${path}`);
  return path;
}

async function checkOutput(outputPath: string, force: boolean): Promise<void> {
  if (force || (await stat(outputPath).catch(() => undefined)) === undefined) return;
  throw new Error(`${outputPath} already exists; use -f/--force to overwrite it`);
}

async function writeInPlace(
  plan: ArchivePlan,
  format: ArchiveFormatOption,
  outputPath: string,
  modelName: string,
): Promise<void> {
  const staging = await mkdtemp(join(dirname(outputPath), `.${modelName}.partial-`));
  const staged = join(staging, basename(outputPath));
  try {
    if (format === 'tgz') await writeTarGz(plan, staged, modelName);
    else if (format === 'no-archive') await writeDirectory(plan, staged);
    else await writeZip(plan, staged, format === 'default');
    await rm(outputPath, { recursive: true, force: true });
    await rename(staged, outputPath);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
