import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { send, type HttpOptions, type HttpReply } from './http.js';

/** The compiled CLI, as `npx onnxserve` runs it. */
export const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface KeyFile {
  management: { key: string; 'expiration time': string };
  inference: { key: string; 'expiration time': string };
  API: { key: string };
}

export type ApiUrls = Partial<Record<'inference' | 'management' | 'metrics', string>>;

/** gRPC servers' `host:port` targets by API. */
export type GrpcTargets = Partial<Record<'inference' | 'management', string>>;

/** A scratch working directory with an empty model store and a pid file of its own. */
export function makeWorkDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'onnxserve-test-'));
  mkdirSync(join(dir, 'store'));
  return dir;
}

/** Distinct loopback addresses on port 0 (gRPC too), so tests can run side by side. */
export const separateListeners: Record<string, string> = {
  inference_address: 'http://127.0.0.1:0',
  management_address: 'http://127.0.0.2:0',
  metrics_address: 'http://127.0.0.3:0',
  grpc_inference_port: '0',
  grpc_management_port: '0',
};

export function writeConfig(dir: string, settings: Record<string, string>): string {
  const path = join(dir, 'config.properties');
  const lines = Object.entries({ pid_file: join(dir, 'server.pid'), ...settings });
  writeFileSync(path, lines.map(([key, value]) => `${key}=${value}`).join('\n') + '\n');
  return path;
}

export interface RunOptions {
  readonly dir?: string;
  readonly config?: Record<string, string>;
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  /** Keep config snapshots on (the helper passes --ncs otherwise). */
  readonly snapshots?: boolean;
}

export interface RunningCli {
  readonly dir: string;
  readonly child: ChildProcess;
  readonly urls: ApiUrls;
  readonly grpcTargets: GrpcTargets;
  output(): string;
  keys(): KeyFile;
  call(api: keyof ApiUrls, path: string, options?: HttpOptions): Promise<HttpReply>;
  /** Signals the server and resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `onnxserve --start --foreground` in `dir` and waits for `Model server started`. */
export async function startCli(options: RunOptions = {}): Promise<RunningCli> {
  const dir = options.dir ?? makeWorkDir();
  writeConfig(dir, { ...separateListeners, ...options.config });
  const ncs = options.snapshots === true ? [] : ['--ncs'];
  const args = [cliPath, '--start', '--foreground', ...ncs, '--model-store', 'store'];
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  await waitFor(
    () => output.includes('Model server started'),
    exited,
    () => output,
  );
  const urls = parseUrls(output);

  return {
    dir,
    child,
    urls,
    grpcTargets: parseGrpcTargets(output),
    output: () => output,
    keys: () => JSON.parse(readFileSync(join(dir, 'key_file.json'), 'utf8')) as KeyFile,
    call: (api, path, callOptions) => {
      const base = urls[api];
      if (base === undefined) throw new Error(`no ${api} listener in: ${output}`);
      return send(`${base}${path}`, callOptions);
    },
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function parseUrls(output: string): ApiUrls {
  const urls: ApiUrls = {};
  for (const [, api = '', url = ''] of output.matchAll(/(?<!gRPC )\b(\w+) API bind to: (\S+)/g)) {
    urls[api.toLowerCase() as keyof ApiUrls] = url;
  }
  return urls;
}

export function parseGrpcTargets(output: string): GrpcTargets {
  const targets: GrpcTargets = {};
  for (const [, api = '', target = ''] of output.matchAll(/gRPC (\w+) API bind to: (\S+)/g)) {
    targets[api.toLowerCase() as keyof GrpcTargets] = target;
  }
  return targets;
}

async function waitFor(
  condition: () => boolean,
  exited: Promise<number | null>,
  describe: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}:\n${describe()}`);
    if (Date.now() > deadline) throw new Error(`server did not start in time:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs the CLI to completion (e.g. `--stop`, `--version`, a failing start). */
export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
