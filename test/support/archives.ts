import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addModelOnnx, zipTree } from '../fixtures/archives/builders.js';
import { archiveModel } from '../../src/archiver/archive-model.js';

/** The checkout's examples folder, from the compiled test tree. */
export const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));

export interface ExampleArchive {
  readonly name: string;
  readonly version?: string;
  readonly example: 'iris' | 'digits';
  readonly handler?: string;
  /** model-config.yaml text; the example's own when omitted. */
  readonly config?: string;
}

/** Packs an example model with the project's own archiver into `store`; returns the file name. */
export async function packExample(store: string, archive: ExampleArchive): Promise<string> {
  const source = join(examplesDir, archive.example);
  let configFile = join(source, 'model-config.yaml');
  if (archive.config !== undefined) {
    configFile = join(mkdtempSync(join(tmpdir(), 'onnxserve-config-')), 'model-config.yaml');
    writeFileSync(configFile, archive.config);
  }
  const staging = mkdtempSync(join(tmpdir(), 'onnxserve-pack-'));
  const result = await archiveModel({
    modelName: archive.name,
    version: archive.version ?? '1.0',
    serializedFile: join(source, `${archive.example}.onnx`),
    handler: archive.handler ?? (archive.example === 'iris' ? 'tabular' : 'image_classifier'),
    extraFiles: [join(source, 'index_to_name.json')],
    configFile,
    exportPath: staging,
  });
  const fileName = `${archive.name}-${archive.version ?? '1.0'}.mar`;
  copyFileSync(result.outputPath, join(store, fileName));
  return fileName;
}

/** Writes a zip of `tree` (file name → content) at `path`, e.g. a hand-made `.mar`. */
export async function writeZip(path: string, tree: Record<string, string | Buffer>): Promise<void> {
  writeFileSync(path, await zipTree(tree));
}

/**
 * `<store>/<name>.mar` around the `a + b` fixture model, with the default handler or a JavaScript
 * handler given as source text, and a `model-config.yaml` when given one.
 */
export function writeAddArchive(
  store: string,
  name: string,
  handlerSource?: string,
  modelConfig?: string,
): Promise<void> {
  const model: Record<string, string> = { modelName: name, serializedFile: 'add.onnx' };
  const tree: Record<string, string | Buffer> = { 'add.onnx': addModelOnnx() };
  if (handlerSource !== undefined) {
    model.handler = `${name}.mjs`;
    tree[`${name}.mjs`] = handlerSource;
  }
  if (modelConfig !== undefined) {
    model.configFile = 'model-config.yaml';
    tree['model-config.yaml'] = modelConfig;
  }
  tree['MAR-INF/MANIFEST.json'] = JSON.stringify({ runtime: 'onnx', model });
  return writeZip(join(store, `${name}.mar`), tree);
}
