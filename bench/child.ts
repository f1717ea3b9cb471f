import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Enough of a child's output to find its start lines and to explain a failure. */
const KEPT_OUTPUT = 64 * 1024;

export interface StartedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Seconds from spawning to the line that said it was ready. */
  readonly readySeconds: number;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnRequest {
  readonly args: readonly string[];
  readonly cwd: string;
  /** The output that means the child is ready. */
  readonly ready: RegExp;
  readonly timeoutMs: number;
}

/** Starts `node <args>` and resolves once its output matches `ready`. */
export async function spawnNode(request: SpawnRequest): Promise<StartedChild> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, request.args, {
    cwd: request.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    if (output.length < KEPT_OUTPUT) output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForOutput(() => output, request, exited);
  } catch (error: unknown) {
    await stopChild(child, exited, 2_000);
    throw error;
  }
  const readySeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.pid === undefined) throw new Error(`no pid for ${request.args.join(' ')}`);
  return {
    child,
    pid: child.pid,
    readySeconds,
    output: () => output,
    stop: (graceMs = 15_000) => stopChild(child, exited, graceMs),
  };
}

async function waitForOutput(
  output: () => string,
  request: SpawnRequest,
  exited: Promise<void>,
): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + request.timeoutMs;
  while (!request.ready.test(output())) {
    if (gone) throw new Error(`${request.args.join(' ')} exited early:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${request.args.join(' ')} timed out:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resident memory of a process from `/proc/<pid>/status`, in MiB; NaN where there is no procfs. */
export function residentMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Number.NaN;
    throw error;
  }
}
