import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import yazl from 'yazl';
import { MANIFEST_PATH } from '../archive/index.js';
import type { ArchiveFile } from './collect.js';

/** Everything one archive holds: the gathered files plus the manifest text. */
export interface ArchivePlan {
  readonly files: readonly ArchiveFile[];
  readonly manifest: string;
}

/** A `.mar`: a zip, deflated unless `compress` is false (`zip-store`). */
export async function writeZip(
  plan: ArchivePlan,
  output: string,
  compress: boolean,
): Promise<void> {
  const zip = new yazl.ZipFile();
  const stream = zip.outputStream as Readable;
  zip.on('error', (error: Error) => stream.destroy(error));
  for (const file of plan.files) zip.addFile(file.source, file.archivePath, { compress });
  zip.addBuffer(Buffer.from(plan.manifest), MANIFEST_PATH, { compress });
  zip.end();
  await pipeline(stream, createWriteStream(output, { flags: 'wx' }));
}

/** A `.tar.gz` with every path under `<topDir>/`, as torch-model-archiver lays it out. */
export async function writeTarGz(plan: ArchivePlan, output: string, topDir: string): Promise<void> {
  const pack = tar.pack();
  const writing = pipeline(
    Readable.from(pack, { objectMode: false }),
    createGzip(),
    createWriteStream(output, { flags: 'wx' }),
  );
  const packing = packEntries(pack, plan, topDir);
  const [written, packed] = await Promise.allSettled([writing, packing]);
  if (packed.status === 'rejected') throw packed.reason;
  if (written.status === 'rejected') throw written.reason;
}

async function packEntries(pack: tar.Pack, plan: ArchivePlan, topDir: string): Promise<void> {
  try {
    for (const file of plan.files) {
      const { size, mtime } = await stat(file.source);
      await packFile(pack, { name: `${topDir}/${file.archivePath}`, size, mtime }, file.source);
    }
    const manifest = Buffer.from(plan.manifest);
    const header = { name: `${topDir}/${MANIFEST_PATH}`, size: manifest.length, mode: 0o644 };
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, manifest, (error) => (error ? reject(error) : resolve()));
    });
    pack.finalize();
  } catch (error: unknown) {
    pack.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

type TarSink = ReturnType<tar.Pack['entry']>;

/** Streams one file into the tar; tar-stream calls back once the entry's bytes are all taken. */
async function packFile(
  pack: tar.Pack,
  header: { name: string; size: number; mtime: Date },
  source: string,
): Promise<void> {
  let sink: TarSink | undefined;
  const taken = new Promise<void>((resolve, reject) => {
    sink = pack.entry({ ...header, mode: 0o644 }, (error) => (error ? reject(error) : resolve()));
  });
  if (sink === undefined) throw new Error('tar-stream returned no entry stream');
  for await (const chunk of createReadStream(source)) {
    if (!sink.write(chunk as Buffer)) await writable(sink);
  }
  sink.end(null);
  await taken;
}

function writable(sink: TarSink): Promise<void> {
  return new Promise((resolve) => {
    sink.once('drain', resolve);
    sink.once('close', resolve);
  });
}

/** A directory laid out like the archive (the `no-archive` format). */
export async function writeDirectory(plan: ArchivePlan, output: string): Promise<void> {
  await mkdir(output);
  for (const file of plan.files) {
    const target = join(output, file.archivePath);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file.source, target);
  }
  await mkdir(join(output, 'MAR-INF'));
  await writeFile(join(output, MANIFEST_PATH), plan.manifest);
}
