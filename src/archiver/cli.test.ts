import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { addModelOnnx, writeTree } from '../../test/fixtures/archives/builders.js';
import { runArchiver } from './cli.js';

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'onnxserve-archiver-cli-'));
  await writeTree(work, { 'add.onnx': addModelOnnx() });
});
after(() => rm(work, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI: from source through tsx, or the compiled file when tests run from dist. */
function runProcess(args: readonly string[]): Promise<Run> {
  const fromSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(fromSource ? './main.ts' : './main.js', import.meta.url));
  const repoRoot = fileURLToPath(new URL(fromSource ? '../../' : '../../../', import.meta.url));
  const nodeArgs = fromSource ? ['--import', 'tsx', main, ...args] : [main, ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, nodeArgs, { cwd: repoRoot }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const modelArgs = (name: string): string[] => [
  '--model-name',
  name,
  '-v',
  '1.0',
  '--serialized-file',
  join(work, 'add.onnx'),
  '--export-path',
  work,
];

function collector(): { write(text: string): void; text(): string } {
  let buffer = '';
  return { write: (text) => (buffer += text), text: () => buffer };
}

describe('onnx-model-archiver as a process', () => {
  it('prints the archive path and exits 0', async () => {
    const run = await runProcess(modelArgs('cli-model'));
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${join(work, 'cli-model.mar')}\n`);
    assert.equal((await stat(join(work, 'cli-model.mar'))).isFile(), true);
  });

  it('exits 1 with one line on stderr for an unknown flag', async () => {
    const run = await runProcess([...modelArgs('cli-flag'), '--bogus']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'onnx-model-archiver: unknown flag: --bogus\n');
  });

  it('exits 1 when the archive exists and -f is not given', async () => {
    const first = await runProcess(modelArgs('cli-twice'));
    assert.equal(first.code, 0);
    const second = await runProcess(modelArgs('cli-twice'));
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      /^onnx-model-archiver: .*cli-twice\.mar already exists; use -f\/--force to overwrite it\n$/,
    );
    const forced = await runProcess([...modelArgs('cli-twice'), '-f']);
    assert.equal(forced.code, 0);
  });
});

describe('runArchiver in process', () => {
  it('prints usage for --help', async () => {
    const stdout = collector();
    const stderr = collector();
    assert.equal(await runArchiver(['--help'], stdout, stderr), 0);
    assert.match(stdout.text(), /^Usage: onnx-model-archiver --model-name NAME/);
    assert.equal(stderr.text(), '');
  });

  it('reports warnings on stderr and still succeeds', async () => {
    const stdout = collector();
    const stderr = collector();
    const args = [...modelArgs('warned'), '--model-file', 'model.py'];
    assert.equal(await runArchiver(args, stdout, stderr, work), 0);
    assert.equal(stdout.text(), `${join(work, 'warned.mar')}\n`);
    assert.match(stderr.text(), /^onnx-model-archiver: warning: --model-file is ignored/);
  });

  it('reports a bad name in one line', async () => {
    const stdout = collector();
    const stderr = collector();
    const args = modelArgs('bad/name');
    assert.equal(await runArchiver(args, stdout, stderr, work), 1);
    assert.equal(stdout.text(), '');
    assert.match(
      stderr.text(),
      /^onnx-model-archiver: --model-name "bad\/name": expected [^\n]+\n$/,
    );
  });
});
