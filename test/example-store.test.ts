import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discardArchive, openArchive } from '../src/archive/index.js';
import { examplesDir } from './support/archives.js';

describe('the bundled model store', () => {
  for (const [name, handler] of [
    ['digits', 'image_classifier'],
    ['iris', 'tabular'],
  ] as const) {
    it(`${name}.mar holds examples/${name}/${name}.onnx with the ${handler} handler`, async () => {
      const archive = await openArchive(join(examplesDir, 'model_store', `${name}.mar`), {
        extractRoot: mkdtempSync(join(tmpdir(), 'onnxserve-store-')),
      });
      try {
        assert.equal(archive.manifest.model.modelName, name);
        assert.deepEqual(archive.handler, { kind: 'builtin', name: handler });
        const packed = readFileSync(archive.serializedFilePath);
        assert.ok(
          packed.equals(readFileSync(join(examplesDir, name, `${name}.onnx`))),
          'rebuild the store',
        );
        const labels = readFileSync(join(archive.dir, 'index_to_name.json'), 'utf8');
        assert.equal(labels, readFileSync(join(examplesDir, name, 'index_to_name.json'), 'utf8'));
      } finally {
        await discardArchive(archive);
      }
    });
  }
});
