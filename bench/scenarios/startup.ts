import { join } from 'node:path';
import { copyBundledStore } from '../archives.js';
import { startServer, waitUntilReady } from '../server.js';
import type { Workspace } from '../setup.js';
import { spread, type Spread } from '../stats.js';

export interface StartupResult {
  readonly models: readonly string[];
  /** Seconds from spawning `onnxserve --start` to `Model server started`. */
  readonly startup_s: Spread;
  /** VmRSS of the server process once its models are ready and it has sat idle a moment. */
  readonly idle_rss_mb: Spread;
}

const bundledModels = ['digits', 'iris'];

/** Starts the server on a copy of the bundled store with `--models all`, several times over. */
export async function measureStartup(workspace: Workspace): Promise<StartupResult> {
  const { plan, scratch } = workspace;
  const store = join(scratch, 'bundled-store');
  copyBundledStore(store);
  const seconds: number[] = [];
  const rss: number[] = [];
  for (let round = 0; round < plan.startupRounds; round++) {
    const server = await startServer({ store, models: ['all'], auth: true, scratch });
    try {
      for (const model of bundledModels) await waitUntilReady(server, model);
      await new Promise((resolve) => setTimeout(resolve, plan.settleSeconds * 1000));
      seconds.push(Math.round(server.startupSeconds * 1000) / 1000);
      rss.push(Math.round(server.residentMb() * 10) / 10);
    } finally {
      await server.stop();
    }
  }
  return { models: bundledModels, startup_s: spread(seconds), idle_rss_mb: spread(rss) };
}
