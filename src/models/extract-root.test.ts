import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import { makeExtractRoot } from './extract-root.js';

test('removes the extraction directories of servers that no longer run, and only those', () => {
  const parent = mkdtempSync(join(tmpdir(), 'onnxserve-extract-test-'));
  const abandoned = join(parent, 'onnxserve-models-999999999-abc');
  mkdirSync(join(abandoned, 'model'), { recursive: true });
  writeFileSync(join(abandoned, 'model', 'weights.onnx'), 'x');
  const running = join(parent, `onnxserve-models-${process.pid}-def`);
  mkdirSync(running);
  const unrelated = join(parent, 'onnxserve-models-notapid');
  mkdirSync(unrelated);

  const root = makeExtractRoot(parent, 4242);

  assert.equal(existsSync(abandoned), false);
  assert.ok(existsSync(running), "a live server's directory stays");
  assert.ok(existsSync(unrelated), 'names without a pid are not ours to judge');
  assert.equal(dirname(root), parent);
  assert.match(basename(root), /^onnxserve-models-4242-/);
});
