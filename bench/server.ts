import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { residentMb, spawnNode, type StartedChild } from './child.js';

/** The compiled CLI, as `npx onnxserve` runs it. */
const cliPath = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export interface ServerRequest {
  readonly store: string;
  /** `--models` arguments: `name=file.mar`, or `all`. */
  readonly models: readonly string[];
  readonly auth: boolean;
  /** Where working directories go; each server gets its own. */
  readonly scratch: string;
  /** Where V8 CPU profiles go, when wanted. */
  readonly profileDir?: string | undefined;
  /** Another build's CLI, to compare builds; this checkout's by default. */
  readonly cliPath?: string | undefined;
}

export interface RunningServer {
  readonly inferenceUrl: string;
  readonly pid: number;
  /** Seconds from spawning `onnxserve --start` to `Model server started`. */
  readonly startupSeconds: number;
  /** The request headers every inference call needs: the bearer key when auth is on. */
  readonly headers: Readonly<Record<string, string>>;
  residentMb(): number;
  stop(): Promise<void>;
}

/** Distinct loopback addresses on port 0, so servers can run side by side. */
function configLines(dir: string, auth: boolean): string {
  const settings: Record<string, string> = {
    inference_address: 'http://127.0.0.1:0',
    management_address: 'http://127.0.0.2:0',
    metrics_address: 'http://127.0.0.3:0',
    grpc_inference_port: '0',
    grpc_management_port: '0',
    pid_file: join(dir, 'server.pid'),
  };
  if (!auth) settings.disable_token_authorization = 'true';
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
}

/** Runs `onnxserve --start --foreground` in a fresh working directory, as a user would. */
export async function startServer(request: ServerRequest): Promise<RunningServer> {
  const dir = mkdtempSync(join(request.scratch, 'server-'));
  writeFileSync(join(dir, 'config.properties'), configLines(dir, request.auth));
  const { profileDir, store, models } = request;
  const profile = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const cli = ['--start', '--foreground', '--ncs', '--model-store', store, '--models', ...models];
  const started = await spawnNode({
    args: [...profile, request.cliPath ?? cliPath, ...cli],
    cwd: dir,
    ready: /Model server started/,
    timeoutMs: 120_000,
  });
  const inferenceUrl = /(?<!gRPC )\bInference API bind to: (\S+)/.exec(started.output())?.[1];
  if (inferenceUrl === undefined) {
    await started.stop();
    throw new Error(`no inference address in:\n${started.output()}`);
  }
  return describeServer(started, inferenceUrl, request.auth ? inferenceKey(dir) : undefined);
}

function describeServer(
  started: StartedChild,
  inferenceUrl: string,
  key: string | undefined,
): RunningServer {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  return {
    inferenceUrl,
    pid: started.pid,
    startupSeconds: started.readySeconds,
    headers,
    residentMb: () => residentMb(started.pid),
    stop: () => started.stop(),
  };
}

function inferenceKey(dir: string): string {
  const keys = JSON.parse(readFileSync(join(dir, 'key_file.json'), 'utf8')) as {
    inference: { key: string };
  };
  return keys.inference.key;
}

/** Polls `GET /v2/models/<name>/ready` until it answers `{"ready": true}`. */
export async function waitUntilReady(server: RunningServer, name: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  const url = `${server.inferenceUrl}/v2/models/${name}/ready`;
  while (Date.now() < deadline) {
    const reply = await fetch(url, { headers: server.headers });
    const body = (await reply.json()) as { ready?: boolean };
    if (body.ready === true) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`model ${name} was not ready after ${timeoutMs} ms`);
}

/** A scratch directory for one benchmark run. */
export function makeScratch(): string {
  return mkdtempSync(join(tmpdir(), 'onnxserve-bench-'));
}
