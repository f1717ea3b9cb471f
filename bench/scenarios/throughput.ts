import type { BareHttp } from '../bare-http.js';
import type { ServingConfig } from '../archives.js';
import { runLoad, type LoadResult } from '../load.js';
import { interleave } from '../rounds.js';
import type { RunningServer } from '../server.js';
import { tinyInlineBatchedServing, tinyServing, type Workspace } from '../setup.js';
import { spread, type Spread } from '../stats.js';

/** Within the 32–64: enough to fill batches, few enough not to starve the client. */
export const tinyConnections = 32;

export interface ThroughputSide {
  readonly requests_per_s: Spread;
  /** Autocannon's whole-millisecond percentiles, medians over rounds. */
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly failed: number;
}

export interface ThroughputResult {
  readonly connections: number;
  readonly batched_config: ServingConfig;
  readonly unbatched_config: ServingConfig;
  /** `tiny_inline_batched`, the registration set up for throughput. */
  readonly onnxserve_auth_on: ThroughputSide;
  readonly onnxserve_auth_off: ThroughputSide;
  /** `tiny_batched`: the same batching in a worker thread instead of inline. */
  readonly onnxserve_worker_thread_auth_on: ThroughputSide;
  /** `tiny`, one request per run in a worker thread. */
  readonly onnxserve_unbatched_auth_on: ThroughputSide;
  readonly bare_http: ThroughputSide;
}

type Load = (seconds: number) => Promise<LoadResult>;

/**
 * The tiny model at `tinyConnections`, every round in this order: onnxserve with auth on, the bare
 * `node:http` server, onnxserve with auth off, onnxserve with auth on and a worker thread instead
 * of inline workers, and the same without batching.
 */
export async function measureThroughput(
  workspace: Workspace,
  servers: { authOn: RunningServer; authOff: RunningServer },
  bare: BareHttp,
): Promise<ThroughputResult> {
  const { plan, tiny } = workspace;
  const load =
    (url: string, headers: Readonly<Record<string, string>>): Load =>
    (seconds) =>
      runLoad({ url, body: tiny.body, headers, connections: tinyConnections, seconds });
  const model = (server: RunningServer, name: string) =>
    load(`${server.inferenceUrl}/predictions/${name}`, server.headers);
  const sides: Record<string, Load> = {
    authOn: model(servers.authOn, 'tiny_inline_batched'),
    bare: load(bare.url, {}),
    authOff: model(servers.authOff, 'tiny_inline_batched'),
    threads: model(servers.authOn, 'tiny_batched'),
    unbatched: model(servers.authOn, 'tiny'),
  };
  for (const side of Object.values(sides)) await side(plan.warmupSeconds);
  const steps = Object.fromEntries(
    Object.entries(sides).map(([name, side]) => [name, () => side(plan.throughputSeconds)]),
  );
  const rounds = await interleave<LoadResult>(plan.rounds, steps);
  return {
    connections: tinyConnections,
    batched_config: tinyInlineBatchedServing,
    unbatched_config: tinyServing,
    onnxserve_auth_on: describe(rounds.authOn),
    onnxserve_auth_off: describe(rounds.authOff),
    onnxserve_worker_thread_auth_on: describe(rounds.threads),
    onnxserve_unbatched_auth_on: describe(rounds.unbatched),
    bare_http: describe(rounds.bare),
  };
}

function describe(rounds: readonly LoadResult[] = []): ThroughputSide {
  return {
    requests_per_s: spread(rounds.map((each) => Math.round(each.requestsPerSecond))),
    p50_ms: spread(rounds.map((each) => each.p50Ms)).median,
    p99_ms: spread(rounds.map((each) => each.p99Ms)).median,
    failed: rounds.reduce((sum, each) => sum + each.failed, 0),
  };
}
