import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addModelOnnx, notAModel, writeTree } from '../../test/fixtures/archives/builders.js';
import { discardArchive, openArchive, type ModelArchive } from '../archive/index.js';
import { archiveModel, type ArchiveResult } from './archive-model.js';
import type { ArchiverOptions } from './options.js';

let work: string;
let inputs: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'onnxserve-archiver-'));
  inputs = join(work, 'inputs');
  await writeTree(inputs, {
    'add.onnx': addModelOnnx(),
    'junk.onnx': notAModel,
    'handler.mjs': 'export async function handle() { return []; }\n',
    'model-config.yaml': 'batchSize: 2\nmaxBatchDelay: soon\ntopK: 3\n',
    'requirements.txt': 'numpy\n',
    'index_to_name.json': '{"0": "zero"}\n',
    'assets/vocab/words.txt': 'a\nb\n',
    'assets/top.txt': 'top\n',
    'assets/.hidden': 'secret',
    'assets/.git/config': 'x',
    'assets/.DS_Store': 'x',
    'assets/old.mar': 'x',
    'assets/__pycache__/m.pyc': 'x',
    'notes/one.md': '1',
    'notes/two.md': '2',
    'notes/three.txt': '3',
    'copies/add.onnx': 'another model with the same name',
  });
});
after(() => rm(work, { recursive: true, force: true }));

let exportCount = 0;

async function freshExportPath(): Promise<string> {
  exportCount += 1;
  const dir = join(work, `export-${exportCount}`);
  await mkdir(dir);
  return dir;
}

function options(overrides: Partial<ArchiverOptions> = {}): ArchiverOptions {
  return {
    modelName: 'adder',
    version: '1.2',
    serializedFile: 'add.onnx',
    handler: 'handler.mjs:handle',
    extraFiles: ['index_to_name.json', 'assets', 'notes/*.md'],
    configFile: 'model-config.yaml',
    requirementsFile: 'requirements.txt',
    cwd: inputs,
    ...overrides,
  };
}

async function archiveAndOpen(format: ArchiverOptions['archiveFormat']): Promise<{
  result: ArchiveResult;
  archive: ModelArchive;
}> {
  const exportPath = await freshExportPath();
  const result = await archiveModel(options({ archiveFormat: format, exportPath }));
  const archive = await openArchive(result.outputPath, { extractRoot: join(work, 'extracted') });
  return { result, archive };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const expectedFiles = [
  'MAR-INF/MANIFEST.json',
  'add.onnx',
  'handler.mjs',
  'index_to_name.json',
  'model-config.yaml',
  'one.md',
  'requirements.txt',
  'top.txt',
  'two.md',
  'vocab/words.txt',
];

describe('archiveModel', () => {
  for (const [format, file] of [
    ['default', 'adder.mar'],
    ['zip-store', 'adder.mar'],
    ['tgz', 'adder.tar.gz'],
    ['no-archive', 'adder'],
  ] as const) {
    it(`writes ${format} archives that openArchive reads back`, async () => {
      const { result, archive } = await archiveAndOpen(format);
      assert.equal(relative(join(result.outputPath, '..'), result.outputPath), file);
      assert.deepEqual(archive.manifest.model, {
        modelName: 'adder',
        serializedFile: 'add.onnx',
        handler: 'handler.mjs:handle',
        modelVersion: '1.2',
        requirementsFile: 'requirements.txt',
        configFile: 'model-config.yaml',
      });
      assert.equal(archive.manifest.runtime, 'onnx');
      assert.match(archive.manifest.createdOn ?? '', /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
      assert.deepEqual(archive.handler, {
        kind: 'file',
        path: join(archive.dir, 'handler.mjs'),
        entryPoint: 'handle',
      });
      assert.equal(archive.modelConfig.batchSize, 2);
      assert.deepEqual(archive.modelConfig.handlerConfig, { topK: 3 });
      assert.deepEqual(await listFiles(archive.dir), expectedFiles);
      assert.deepEqual(await readFile(archive.serializedFilePath), addModelOnnx());
      assert.match(result.warnings[0] ?? '', /ignoring maxBatchDelay="soon"/);
      await discardArchive(archive);
    });
  }

  it('puts tar entries under a folder named after the model, as torch-model-archiver does', async () => {
    const { archive } = await archiveAndOpen('tgz');
    assert.equal(relative(archive.extractedDir ?? '', archive.dir), 'adder');
  });

  it('names a built-in handler without copying anything, and may omit the handler', async () => {
    const builtin = await archiveModel(
      options({ handler: 'image_classifier', exportPath: await freshExportPath() }),
    );
    const archive = await openArchive(builtin.outputPath, { extractRoot: join(work, 'x') });
    assert.deepEqual(archive.handler, { kind: 'builtin', name: 'image_classifier' });
    assert.equal(builtin.files.includes('handler.mjs'), false);
    const none = await archiveModel(
      options({ handler: undefined, exportPath: await freshExportPath() }),
    );
    const bare = await openArchive(none.outputPath, { extractRoot: join(work, 'x') });
    assert.equal(bare.handler, undefined);
  });

  it('refuses a bad model name or version before writing anything', async () => {
    const exportPath = await freshExportPath();
    await assert.rejects(archiveModel(options({ modelName: 'bad name', exportPath })), {
      name: 'RangeError',
      message: /--model-name "bad name": expected letters/,
    });
    await assert.rejects(archiveModel(options({ version: '1 0', exportPath })), {
      message: /-v\/--version "1 0"/,
    });
    assert.deepEqual(await readdir(exportPath), []);
  });

  it('refuses a serialized file that is missing or does not load', async () => {
    const exportPath = await freshExportPath();
    await assert.rejects(archiveModel(options({ serializedFile: 'absent.onnx', exportPath })), {
      message: /--serialized-file: file not found: .*absent\.onnx/,
    });
    await assert.rejects(archiveModel(options({ serializedFile: 'junk.onnx', exportPath })), {
      message: /--serialized-file .*junk\.onnx is not a loadable ONNX model/,
    });
    await assert.rejects(
      archiveModel(options({ serializedFile: 'requirements.txt', exportPath })),
      {
        message: /must be an \.onnx file/,
      },
    );
    assert.deepEqual(await readdir(exportPath), []);
  });

  it('refuses to overwrite without force, and overwrites with it', async () => {
    const exportPath = await freshExportPath();
    for (const archiveFormat of ['default', 'no-archive'] as const) {
      const first = await archiveModel(options({ exportPath, archiveFormat }));
      await assert.rejects(archiveModel(options({ exportPath, archiveFormat, version: '2.0' })), {
        message: /adder(\.mar)? already exists; use -f\/--force to overwrite it/,
      });
      await archiveModel(options({ exportPath, archiveFormat, version: '2.0', force: true }));
      const archive = await openArchive(first.outputPath, { extractRoot: join(work, 'forced') });
      assert.equal(archive.manifest.model.modelVersion, '2.0');
    }
    assert.deepEqual((await readdir(exportPath)).sort(), ['adder', 'adder.mar']);
  });

  it('refuses other runtimes, warns about --model-file', async () => {
    const exportPath = await freshExportPath();
    await assert.rejects(archiveModel(options({ runtime: 'python', exportPath })), {
      message: /--runtime "python": .*only onnx is accepted/,
    });
    const result = await archiveModel(
      options({ runtime: 'onnx', modelFile: 'model.py', exportPath }),
    );
    assert.match(result.warnings.join('\n'), /--model-file is ignored/);
  });

  it('refuses missing files, clashing names and a bad export path', async () => {
    const exportPath = await freshExportPath();
    const cases: [Partial<ArchiverOptions>, RegExp][] = [
      [{ handler: 'absent.js' }, /--handler: file not found/],
      [{ handler: 'handler.py' }, /is a Python file/],
      [{ configFile: 'absent.yaml' }, /-c\/--config-file: file not found/],
      [{ extraFiles: ['absent.txt'] }, /--extra-files: file not found: absent.txt/],
      [{ extraFiles: ['*.nothing'] }, /--extra-files: nothing matches \*\.nothing/],
      [{ extraFiles: ['copies/add.onnx'] }, /two files would be stored as add\.onnx/],
      [{ exportPath: join(inputs, 'add.onnx') }, /--export-path is not a directory/],
    ];
    for (const [overrides, message] of cases) {
      const attempt = archiveModel(options({ exportPath, ...overrides }));
      await assert.rejects(attempt, { message }, JSON.stringify(overrides));
    }
    assert.deepEqual(await readdir(exportPath), []);
  });

  it('refuses a config file that is not YAML', async () => {
    await writeFile(join(inputs, 'broken.yaml'), 'a: [1, 2\n');
    const exportPath = await freshExportPath();
    await assert.rejects(archiveModel(options({ configFile: 'broken.yaml', exportPath })), {
      message: /^broken.yaml is not valid YAML: /,
    });
  });
});
