import assert from 'node:assert/strict';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ServeError, type ErrorType } from '../errors/index.js';
import {
  addModelOnnx,
  notAModel,
  rawZip,
  tarGzEntries,
  type RawZipEntry,
  type TarEntrySpec,
} from '../../test/fixtures/archives/builders.js';
import { openArchive, type ArchiveLimits } from './index.js';

let work: string;
let counter = 0;
const model = addModelOnnx();

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'onnxserve-safety-'));
});
after(() => rm(work, { recursive: true, force: true }));

const manifestText = JSON.stringify({ model: { modelName: 'm', serializedFile: 'm.onnx' } });

function zipWith(...extra: RawZipEntry[]): Buffer {
  return rawZip([
    { name: 'MAR-INF/MANIFEST.json', content: manifestText },
    { name: 'm.onnx', content: model },
    ...extra,
  ]);
}

function tarWith(...extra: TarEntrySpec[]): Promise<Buffer> {
  return tarGzEntries([
    { name: 'MAR-INF/MANIFEST.json', content: manifestText },
    { name: 'm.onnx', content: model },
    ...extra,
  ]);
}

/** Opens `bytes` as an archive, expects the refusal, and checks nothing was left on disk. */
async function assertRefused(
  bytes: Buffer,
  message: RegExp,
  limits: Partial<ArchiveLimits> = {},
  type: ErrorType = 'InvalidModelException',
): Promise<void> {
  counter += 1;
  const source = join(work, `case-${counter}.mar`);
  const extractRoot = join(work, `root-${counter}`);
  await writeFile(source, bytes);
  await assert.rejects(openArchive(source, { extractRoot, limits }), (error: unknown) => {
    assert.ok(error instanceof ServeError, `expected a ServeError, got ${String(error)}`);
    assert.equal(error.type, type);
    assert.match(error.message, message);
    return true;
  });
  assert.deepEqual(await leftovers(extractRoot), []);
}

async function leftovers(dir: string): Promise<string[]> {
  try {
    return await readdir(dir, { recursive: true });
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function assertAbsent(path: string): Promise<void> {
  await assert.rejects(access(path), { code: 'ENOENT' });
}

const zeros = Buffer.alloc(50 * 1024 * 1024);

describe('zip archives that are refused', () => {
  it('refuses an entry that climbs out with ..', async () => {
    await assertRefused(zipWith({ name: '../escaped.txt', content: 'x' }), /leaves the archive/);
    const deeper = zipWith({ name: 'a/../../escaped.txt', content: 'x' });
    await assertRefused(deeper, /leaves the archive/);
    await assertAbsent(join(work, 'escaped.txt'));
  });

  it('refuses absolute paths, drive letters and backslashes', async () => {
    await assertRefused(zipWith({ name: '/tmp/escaped.txt', content: 'x' }), /absolute path/);
    await assertRefused(zipWith({ name: 'C:/escaped.txt', content: 'x' }), /drive letter/);
    await assertRefused(zipWith({ name: '..\\escaped.txt', content: 'x' }), /backslash/);
  });

  it('refuses symbolic links and other special files', async () => {
    const link = { name: 'link', content: '/etc/passwd', mode: 0o120777 };
    await assertRefused(zipWith(link), /"link" is a symbolic link/);
    await assertRefused(zipWith({ name: 'pipe', mode: 0o010644 }), /not a regular file/);
  });

  it('refuses duplicate entries and a file used as a directory', async () => {
    const again = zipWith({ name: 'm.onnx', content: 'again' });
    await assertRefused(again, /"m.onnx" appears more than once/);
    await assertRefused(zipWith({ name: './m.onnx', content: 'again' }), /appears more than once/);
    const clash = zipWith({ name: 'a', content: 'file' }, { name: 'a/b', content: 'x' });
    await assertRefused(clash, /inside "a", which is a file/);
  });

  it('refuses too many entries', async () => {
    const crowded = zipWith({ name: 'x' }, { name: 'y' });
    await assertRefused(crowded, /4 entries; the limit is 2/, { maxEntries: 2 });
  });

  it('refuses an entry or a total over the size limits', async () => {
    const big = { name: 'big.bin', content: Buffer.alloc(5000) };
    await assertRefused(zipWith(big), /"big.bin" is larger than the limit of 4096/, {
      maxEntryBytes: 4096,
    });
    const parts = [1, 2, 3].map((n) => ({ name: `part${n}`, content: Buffer.alloc(2000) }));
    await assertRefused(zipWith(...parts), /more than the limit of 5000 bytes/, {
      maxTotalBytes: 5000,
    });
  });

  it('counts real inflated bytes: an entry larger than its header says is refused', async () => {
    const content = Buffer.alloc(100_000);
    const liar = { name: 'liar.bin', content, deflate: true, declaredSize: 10 };
    await assertRefused(zipWith(liar), /"liar.bin" holds more data than its header declares/);
  });

  it('refuses a compression bomb before it is written out', async () => {
    const bomb = { name: 'bomb.bin', content: zeros, deflate: true };
    await assertRefused(zipWith(bomb), /"bomb.bin" expands more than 200 times/);
  });

  it('refuses a truncated entry', async () => {
    const short = { name: 'short.bin', content: 'abc', declaredSize: 10 };
    await assertRefused(zipWith(short), /"short.bin" is truncated/);
  });

  it('refuses an archive that is not a zip or a tar.gz, or is corrupt', async () => {
    await assertRefused(Buffer.from('plain text\n'), /neither a zip \(\.mar\) nor a gzip/);
    const whole = zipWith();
    await assertRefused(whole.subarray(0, whole.length - 30), /Invalid model archive/);
  });
});

describe('archives with a bad manifest', () => {
  const zipManifest = (manifest: unknown, extra: RawZipEntry[] = []): Buffer =>
    rawZip([
      { name: 'MAR-INF/MANIFEST.json', content: JSON.stringify(manifest) },
      { name: 'm.onnx', content: model },
      ...extra,
    ]);

  it('refuses a missing manifest', async () => {
    const bytes = rawZip([{ name: 'm.onnx', content: model }]);
    await assertRefused(bytes, /has no MAR-INF\/MANIFEST.json/);
  });

  it('refuses a manifest that is not JSON', async () => {
    const bytes = rawZip([{ name: 'MAR-INF/MANIFEST.json', content: '{ "model": ' }]);
    await assertRefused(bytes, /MANIFEST.json is not valid JSON/);
  });

  it('answers 400 BadRequestException for a runtime other than onnx', async () => {
    const manifest = { runtime: 'python', model: { modelName: 'm', serializedFile: 'm.onnx' } };
    const message = /^Invalid RuntimeType value: python$/;
    await assertRefused(zipManifest(manifest), message, {}, 'BadRequestException');
  });

  it('refuses a bad model name', async () => {
    const manifest = { model: { modelName: '-bad name', serializedFile: 'm.onnx' } };
    await assertRefused(zipManifest(manifest), /modelName "-bad name" does not match/);
  });

  it('refuses a serialized file that is absent, outside, or not .onnx', async () => {
    const absent = { model: { modelName: 'm', serializedFile: 'other.onnx' } };
    await assertRefused(zipManifest(absent), /"other.onnx" is not in the model archive/);
    const outside = { model: { modelName: 'm', serializedFile: '../m.onnx' } };
    await assertRefused(zipManifest(outside), /"..\/m.onnx" must be a relative path inside/);
    const notOnnx = { model: { modelName: 'm', serializedFile: 'm.pt' } };
    await assertRefused(zipManifest(notOnnx), /"m.pt" is not an .onnx file/);
  });

  it('refuses a serialized file that is not an ONNX protobuf', async () => {
    const manifest = { model: { modelName: 'm', serializedFile: 'junk.onnx' } };
    const bytes = zipManifest(manifest, [{ name: 'junk.onnx', content: notAModel }]);
    await assertRefused(bytes, /junk.onnx is not an ONNX model/);
  });

  it('refuses a Python handler and a handler file that is absent', async () => {
    const python = { model: { modelName: 'm', serializedFile: 'm.onnx', handler: 'handler.py' } };
    await assertRefused(zipManifest(python), /is a Python file/);
    const absent = { model: { modelName: 'm', serializedFile: 'm.onnx', handler: 'h.js' } };
    await assertRefused(zipManifest(absent), /handler "h.js" is not in the model archive/);
  });

  it('refuses a model config that is not YAML', async () => {
    const manifest = { model: { modelName: 'm', serializedFile: 'm.onnx', configFile: 'c.yaml' } };
    const bytes = zipManifest(manifest, [{ name: 'c.yaml', content: 'a: [1, 2\n' }]);
    await assertRefused(bytes, /c.yaml is not valid YAML/);
  });
});

describe('tar.gz archives that are refused', () => {
  it('refuses .. and absolute names', async () => {
    const climbing = await tarWith({ name: '../escaped.txt', content: 'x' });
    await assertRefused(climbing, /leaves the archive/);
    await assertRefused(await tarWith({ name: '/tmp/escaped.txt', content: 'x' }), /absolute path/);
    await assertAbsent(join(work, 'escaped.txt'));
  });

  it('refuses symbolic links, hard links and special files', async () => {
    const symlink: TarEntrySpec = { name: 'link', type: 'symlink', linkname: '/etc/passwd' };
    await assertRefused(await tarWith(symlink), /"link" is a symbolic link/);
    const hardlink: TarEntrySpec = { name: 'hard', type: 'link', linkname: 'm.onnx' };
    await assertRefused(await tarWith(hardlink), /"hard" is a hard link/);
    const fifo: TarEntrySpec = { name: 'pipe', type: 'fifo' };
    await assertRefused(await tarWith(fifo), /is a fifo, not a regular file/);
  });

  it('refuses duplicates and too many entries', async () => {
    const again = await tarWith({ name: 'm.onnx', content: 'again' });
    await assertRefused(again, /appears more than once/);
    await assertRefused(await tarWith({ name: 'x' }), /more than 2 entries/, { maxEntries: 2 });
  });

  it('refuses entries over the size limits', async () => {
    const big = await tarWith({ name: 'big.bin', content: Buffer.alloc(5000) });
    await assertRefused(big, /"big.bin" is larger than the limit/, { maxEntryBytes: 4096 });
    const parts = [1, 2, 3].map((n) => ({ name: `part${n}`, content: Buffer.alloc(2000) }));
    await assertRefused(await tarWith(...parts), /past the limit of 5000 bytes in total/, {
      maxTotalBytes: 5000,
    });
  });

  it('refuses a gzip bomb', async () => {
    const bomb = await tarWith({ name: 'bomb.bin', content: zeros });
    await assertRefused(bomb, /expands more than 200 times/);
  });

  it('refuses a truncated or corrupt stream', async () => {
    const whole = await tarWith({ name: 'extra.bin', content: Buffer.alloc(100_000, 7) });
    await assertRefused(whole.subarray(0, 200), /Invalid model archive/);
    const corrupt = Buffer.from(whole);
    corrupt.fill(0x55, 20, 60);
    await assertRefused(corrupt, /Invalid model archive/);
    await assertRefused(gzipSync(Buffer.from('not a tar at all')), /Invalid model archive/);
  });
});
