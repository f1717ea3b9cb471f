import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ServeError } from '../errors/index.js';
import {
  addModelOnnx,
  tarGzTree,
  writeTree,
  zipTree,
  type Tree,
} from '../../test/fixtures/archives/builders.js';
import { discardArchive, openArchive, type ModelArchive } from './index.js';

let work: string;
const model = addModelOnnx();

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'onnxserve-open-'));
});
after(() => rm(work, { recursive: true, force: true }));

function goodTree(): Record<string, string | Buffer> {
  const manifest = {
    createdOn: '17/03/2025 11:20:57',
    runtime: 'onnx',
    model: {
      modelName: 'adder',
      serializedFile: 'add.onnx',
      handler: 'handler.mjs:handle',
      modelVersion: '2.0',
      configFile: 'model-config.yaml',
    },
    archiverVersion: '0.1.0',
  };
  return {
    'MAR-INF/MANIFEST.json': JSON.stringify(manifest, null, 2),
    'add.onnx': model,
    'handler.mjs': 'export function handle() {}\n',
    'model-config.yaml': 'batchSize: 4\nmaxBatchDelay: fast\nlabels: [a, b]\n',
    'assets/index_to_name.json': '{"0": "zero"}',
  };
}

async function place(name: string, content: Buffer): Promise<string> {
  const path = join(work, name);
  await writeFile(path, content);
  return path;
}

/** The parts of an archive that do not depend on where it was extracted. */
function portable(archive: ModelArchive): unknown {
  const handler =
    archive.handler?.kind === 'file'
      ? { ...archive.handler, path: relative(archive.dir, archive.handler.path) }
      : archive.handler;
  return {
    manifest: archive.manifest,
    modelConfig: archive.modelConfig,
    modelConfigWarnings: archive.modelConfigWarnings,
    serializedFile: relative(archive.dir, archive.serializedFilePath),
    handler,
  };
}

describe('openArchive', () => {
  it('opens a .mar, a zip-store .mar, a .tar.gz and a directory to the same model', async () => {
    const extractRoot = join(work, 'same');
    const dir = join(work, 'adder-dir');
    await writeTree(dir, goodTree());
    const sources = [
      await place('adder.mar', await zipTree(goodTree())),
      await place('adder-store.mar', await zipTree(goodTree(), false)),
      await place('adder.tar.gz', await tarGzTree(goodTree(), 'adder/')),
      await place('adder-flat.tgz', await tarGzTree(goodTree())),
      dir,
    ];
    const archives = await Promise.all(
      sources.map((source) => openArchive(source, { extractRoot })),
    );
    const [first, ...rest] = archives.map(portable);
    for (const other of rest) assert.deepEqual(other, first);
    assert.deepEqual(
      archives.map((archive) => archive.format),
      ['zip', 'zip', 'tgz', 'tgz', 'directory'],
    );
    assert.equal(archives[4]?.dir, dir);
    assert.equal(archives[4]?.extractedDir, undefined);
  });

  it('reads the manifest, the model config and the handler', async () => {
    const source = await place('read.mar', await zipTree(goodTree()));
    const archive = await openArchive(source, { extractRoot: join(work, 'read') });
    assert.equal(archive.manifest.model.modelName, 'adder');
    assert.equal(archive.manifest.model.modelVersion, '2.0');
    assert.equal(archive.manifest.runtime, 'onnx');
    assert.equal(archive.modelConfig.batchSize, 4);
    assert.equal(archive.modelConfig.maxBatchDelay, undefined);
    assert.deepEqual(archive.modelConfig.handlerConfig, { labels: ['a', 'b'] });
    assert.match(archive.modelConfigWarnings[0] ?? '', /maxBatchDelay="fast"/);
    assert.deepEqual(archive.handler, {
      kind: 'file',
      path: join(archive.dir, 'handler.mjs'),
      entryPoint: 'handle',
    });
    assert.equal(archive.serializedFilePath, join(archive.dir, 'add.onnx'));
    assert.deepEqual(await readFile(archive.serializedFilePath), model);
    const labels = await readFile(join(archive.dir, 'assets/index_to_name.json'), 'utf8');
    assert.equal(labels, '{"0": "zero"}');
  });

  it('extracts into a fresh directory under extractRoot that discardArchive removes', async () => {
    const extractRoot = join(work, 'fresh');
    const source = await place('fresh.mar', await zipTree(goodTree()));
    const one = await openArchive(source, { extractRoot });
    const two = await openArchive(source, { extractRoot });
    assert.notEqual(one.dir, two.dir);
    assert.equal(relative(extractRoot, one.extractedDir ?? '').includes('/'), false);
    await discardArchive(one);
    await discardArchive(two);
    assert.deepEqual(await readdir(extractRoot), []);
  });

  it('leaves a directory source untouched when discarded', async () => {
    const dir = join(work, 'kept');
    await writeTree(dir, goodTree());
    const archive = await openArchive(dir, { extractRoot: join(work, 'unused') });
    await discardArchive(archive);
    assert.equal((await stat(join(dir, 'add.onnx'))).isFile(), true);
  });

  it('tells formats apart by content, not by file name', async () => {
    const source = await place('adder.model', await tarGzTree(goodTree()));
    const archive = await openArchive(source, { extractRoot: join(work, 'sniff') });
    assert.equal(archive.format, 'tgz');
  });

  it('fills in TorchServe defaults: runtime onnx, version 1.0, name from the file', async () => {
    const manifest = { model: { serializedFile: 'add.onnx' } };
    const tree: Tree = { 'MAR-INF/MANIFEST.json': JSON.stringify(manifest), 'add.onnx': model };
    const source = await place('named-by-file.mar', await zipTree(tree));
    const archive = await openArchive(source, { extractRoot: join(work, 'defaults') });
    assert.equal(archive.manifest.runtime, 'onnx');
    assert.equal(archive.manifest.model.modelName, 'named-by-file');
    assert.equal(archive.manifest.model.modelVersion, '1.0');
    assert.equal(archive.handler, undefined);
    assert.deepEqual(archive.modelConfig, { handlerConfig: {}, raw: {} });
    assert.deepEqual(archive.externalDataFiles, []);
  });

  it('warns, without refusing, when the named config file is absent', async () => {
    const tree = goodTree();
    delete tree['model-config.yaml'];
    const source = await place('no-config.mar', await zipTree(tree));
    const archive = await openArchive(source, { extractRoot: join(work, 'no-config') });
    assert.match(archive.modelConfigWarnings[0] ?? '', /model-config\.yaml.*not in the archive/);
  });

  it('answers 404 for a source that does not exist', async () => {
    await assert.rejects(openArchive(join(work, 'missing.mar'), { extractRoot: work }), (error) => {
      assert.ok(error instanceof ServeError);
      assert.equal(error.status, 404);
      return true;
    });
  });
});
