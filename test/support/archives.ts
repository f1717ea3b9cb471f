import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipTree } from '../fixtures/archives/builders.js';
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

/** A `.mar` whose manifest is fine but whose model no runtime can load. */
export async function writeZip(path: string, tree: Record<string, string | Buffer>): Promise<void> {
  writeFileSync(path, await zipTree(tree));
}
