/**
 * `npm run bench`: onnxserve against the floors it is built on (bare `node:http`, bare
 * `session.run`), every comparison interleaved within one run. See docs/performance.md.
 */
import { rmSync } from 'node:fs';
import { startBareHttp } from './bare-http.js';
import { cpuSnapshot, otherCpuShare } from './noise.js';
import { readPlan, usage, type Plan } from './plan.js';
import {
  computeRatios,
  latestPath,
  resultsDir,
  writeReport,
  type Report,
  type Scenarios,
} from './report.js';
import { measureBatching } from './scenarios/batching.js';
import { measureLatency } from './scenarios/latency.js';
import { measureStartup } from './scenarios/startup.js';
import { measureThroughput } from './scenarios/throughput.js';
import { makeScratch, startServer, waitUntilReady, type RunningServer } from './server.js';
import { prepareWorkspace, type Workspace } from './setup.js';
import { describeSystem } from './system.js';
import { formatReport } from './table.js';

const began = performance.now();

function progress(message: string): void {
  const seconds = ((performance.now() - began) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${seconds} s] ${message}\n`);
}

async function serve(workspace: Workspace, models: string[], auth: boolean) {
  const { store, scratch, plan } = workspace;
  const server = await startServer({
    store,
    models: models.map((name) => `${name}=${name}.mar`),
    auth,
    scratch,
    profileDir: plan.profile ? resultsDir : undefined,
  });
  try {
    for (const model of models) await waitUntilReady(server, model);
    return server;
  } catch (error: unknown) {
    await server.stop();
    throw error;
  }
}

/** Every registration of the tiny model: inline or in a worker thread, batched or not. */
const tinyModels = ['tiny', 'tiny_batched', 'tiny_inline', 'tiny_inline_batched'];

/** Scenarios 1, 2 and 4 share the tiny-model servers and the bare HTTP server. */
async function tinyScenarios(workspace: Workspace) {
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const authOn = await serve(workspace, tinyModels, true);
    started.push(authOn);
    const authOff = await serve(workspace, tinyModels, false);
    started.push(authOff);
    const bare = await startBareHttp(workspace.scratch);
    started.push(bare);
    // Throughput first: both servers start equally cold, and a fresh server is slower for a while.
    progress('tiny-model throughput, auth on and off');
    const throughput = await measureThroughput(workspace, { authOn, authOff }, bare);
    progress('latency at concurrency 1');
    const latency = await measureLatency(workspace, authOn, bare);
    return { latency, throughput };
  } finally {
    await Promise.all(started.map((each) => each.stop()));
  }
}

async function batchingScenario(workspace: Workspace) {
  let server: RunningServer | undefined;
  try {
    const models = ['mlp_client_batched', 'mlp_batched', 'mlp_unbatched'];
    server = await serve(workspace, models, true);
    progress('MLP throughput: clients batching, batched, unbatched, raw session.run sweep');
    return await measureBatching(workspace, server);
  } finally {
    await server?.stop();
  }
}

async function measureAll(plan: Plan, scratch: string): Promise<Scenarios> {
  progress(`${plan.mode} mode: generating models and archives`);
  const workspace = await prepareWorkspace(plan, scratch);
  const tiny = await tinyScenarios(workspace);
  const batching = await batchingScenario(workspace);
  progress('startup with the bundled models');
  const startup = await measureStartup(workspace);
  return { ...tiny, batching, startup };
}

async function main(): Promise<void> {
  const plan = readPlan(process.argv.slice(2));
  if (plan === null) {
    process.stdout.write(usage);
    return;
  }
  const startedAt = new Date().toISOString();
  const system = describeSystem();
  const scratch = makeScratch();
  const cpuAtStart = cpuSnapshot();
  try {
    const scenarios = await measureAll(plan, scratch);
    const duration_s = Math.round((performance.now() - began) / 1000);
    const report: Report = {
      mode: plan.mode,
      rounds: plan.rounds,
      started_at: startedAt,
      duration_s,
      system,
      other_cpu_share: otherCpuShare(cpuAtStart, cpuSnapshot()),
      plan,
      ratios: computeRatios(scenarios),
      scenarios,
    };
    process.stdout.write(formatReport(report));
    // Profiled servers run slower: such numbers must not replace the comparable ones.
    if (plan.profile) {
      progress(`profiles in ${resultsDir}`);
    } else {
      await writeReport(report);
      progress(`wrote ${latestPath}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
