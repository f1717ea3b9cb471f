/**
 * `npm run bench:compare -- <git revision> [--rounds N]`: this checkout's server against another
 * revision's, side by side in one run with the same bare `node:http` floor, on the tiny model on
 * an inline worker (the headline registrations of `npm run bench`):
 * p50 latency at concurrency 1 and requests per second at 32 connections. The fair before/after
 * of a change, where numbers from two separate runs are not (see docs/performance.md).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBareHttp } from './bare-http.js';
import { runLoad } from './load.js';
import { readPlan } from './plan.js';
import { interleave } from './rounds.js';
import { makeScratch, startServer, waitUntilReady, type RunningServer } from './server.js';
import { prepareWorkspace } from './setup.js';
import { median } from './stats.js';

const checkout = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = 3;

interface Side {
  readonly url: string;
  readonly latencyPath: string;
  readonly throughputPath: string;
  readonly headers: Readonly<Record<string, string>>;
}

interface Measured {
  readonly p50Us: number;
  readonly requestsPerSecond: number;
}

/** The other revision, checked out beside this one and compiled with this checkout's packages. */
function buildRevision(revision: string, scratch: string): { cliPath: string; remove(): void } {
  const tree = join(scratch, 'other');
  execFileSync('git', ['-C', checkout, 'worktree', 'add', '--detach', tree, revision], {
    stdio: 'ignore',
  });
  const remove = (): void => {
    execFileSync('git', ['-C', checkout, 'worktree', 'remove', '--force', tree], {
      stdio: 'ignore',
    });
  };
  try {
    symlinkSync(join(checkout, 'node_modules'), join(tree, 'node_modules'));
    const tsc = join(checkout, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', join(tree, 'tsconfig.json')], { stdio: 'inherit' });
  } catch (error: unknown) {
    remove();
    throw error;
  }
  return { cliPath: join(tree, 'dist', 'src', 'cli', 'main.js'), remove };
}

async function measure(side: Side, body: string): Promise<Measured> {
  const { url, headers } = side;
  const single = await runLoad({
    url: `${url}${side.latencyPath}`,
    body,
    headers,
    connections: 1,
    seconds: SECONDS,
    keepLatencies: true,
  });
  const many = await runLoad({
    url: `${url}${side.throughputPath}`,
    body,
    headers,
    connections: 32,
    seconds: SECONDS,
  });
  return { p50Us: single.p50Ms * 1000, requestsPerSecond: many.requestsPerSecond };
}

/** The registrations behind the headline tiny-model ratios of `npm run bench`. */
const latencyModel = 'tiny_inline';
const throughputModel = 'tiny_inline_batched';

function serverSide(server: RunningServer): Side {
  return {
    url: server.inferenceUrl,
    latencyPath: `/predictions/${latencyModel}`,
    throughputPath: `/predictions/${throughputModel}`,
    headers: server.headers,
  };
}

function report(results: Record<string, Measured[]>): void {
  const mid = (name: string, pick: (each: Measured) => number) =>
    median((results[name] ?? []).map(pick));
  const bareUs = mid('bare', (each) => each.p50Us);
  const bareRps = mid('bare', (each) => each.requestsPerSecond);
  console.log('side        p50 µs (c=1)   overhead µs   req/s (c=32)   vs bare');
  for (const name of Object.keys(results)) {
    const p50 = mid(name, (each) => each.p50Us);
    const rps = mid(name, (each) => each.requestsPerSecond);
    const overhead = name === 'bare' ? '' : String(Math.round(p50 - bareUs));
    const columns = [
      name.padEnd(10),
      String(Math.round(p50)).padStart(14),
      overhead.padStart(13),
      String(Math.round(rps)).padStart(14),
      (rps / bareRps).toFixed(3).padStart(9),
    ];
    console.log(columns.join(' '));
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [revision] = argv.filter((arg) => !arg.startsWith('--'));
  const roundsAt = argv.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 3;
  if (revision === undefined || !(rounds > 0)) {
    console.error('Usage: npm run bench:compare -- <git revision> [--rounds N]');
    process.exitCode = 2;
    return;
  }

  const scratch = makeScratch();
  const plan = readPlan(['--smoke']);
  if (plan === null) throw new Error('The smoke plan is missing.');
  const workspace = await prepareWorkspace(plan, scratch);
  const other = buildRevision(revision, scratch);
  const stoppers: Array<() => Promise<void>> = [];
  try {
    const models = [latencyModel, throughputModel].map((name) => `${name}=${name}.mar`);
    const start = async (cliPath?: string) => {
      const server = await startServer({
        store: workspace.store,
        models,
        auth: true,
        scratch,
        cliPath,
      });
      stoppers.push(() => server.stop());
      for (const model of [latencyModel, throughputModel]) await waitUntilReady(server, model);
      return serverSide(server);
    };
    const current = await start();
    const previous = await start(other.cliPath);
    const bare = await startBareHttp(scratch);
    stoppers.push(() => bare.stop());
    const bareSide: Side = { url: bare.url, latencyPath: '', throughputPath: '', headers: {} };

    const body = workspace.tiny.body;
    for (const side of [current, previous, bareSide]) await measure(side, body);
    const results = await interleave<Measured>(rounds, {
      bare: () => measure(bareSide, body),
      [revision]: () => measure(previous, body),
      current: () => measure(current, body),
    });
    report(results);
  } finally {
    for (const stop of stoppers) await stop();
    other.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
