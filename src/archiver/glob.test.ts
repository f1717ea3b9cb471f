import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeTree } from '../../test/fixtures/archives/builders.js';
import { expandGlob, hasGlobMagic, segmentPattern } from './glob.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnxserve-glob-'));
  await writeTree(dir, {
    'a.txt': '',
    'b.txt': '',
    'c.json': '',
    '.hidden.txt': '',
    'sub/one.txt': '',
    'sub/deeper/two.txt': '',
    'other/three.txt': '',
  });
});
after(() => rm(dir, { recursive: true, force: true }));

describe('glob', () => {
  it('spots wildcards', () => {
    assert.equal(hasGlobMagic('a/*.txt'), true);
    assert.equal(hasGlobMagic('a/[ab].txt'), true);
    assert.equal(hasGlobMagic('a/b.txt'), false);
  });

  it('matches one segment like Python fnmatch', () => {
    assert.equal(segmentPattern('*.txt').test('a.txt'), true);
    assert.equal(segmentPattern('*.txt').test('a.json'), false);
    assert.equal(segmentPattern('?.txt').test('ab.txt'), false);
    assert.equal(segmentPattern('[ab].txt').test('b.txt'), true);
    assert.equal(segmentPattern('[!ab].txt').test('b.txt'), false);
    assert.equal(segmentPattern('[a-c].txt').test('c.txt'), true);
    assert.equal(segmentPattern('a(1)+.txt').test('a(1)+.txt'), true);
    assert.equal(segmentPattern('[x.txt').test('[x.txt'), true);
  });

  it('expands relative and absolute patterns, skipping hidden names', async () => {
    const relative = await expandGlob('*.txt', dir);
    assert.deepEqual(relative, [join(dir, 'a.txt'), join(dir, 'b.txt')]);
    const absolute = await expandGlob(join(dir, '*', '*.txt'), '/');
    assert.deepEqual(absolute, [join(dir, 'other/three.txt'), join(dir, 'sub/one.txt')]);
    assert.deepEqual(await expandGlob('.*.txt', dir), [join(dir, '.hidden.txt')]);
    assert.deepEqual(await expandGlob('sub/*', dir), [
      join(dir, 'sub/deeper'),
      join(dir, 'sub/one.txt'),
    ]);
    assert.deepEqual(await expandGlob('missing/*.txt', dir), []);
  });
});
