import { runLoad } from '../load.js';
import { sweepRaw, type CoreSplit, type SweepPoint } from '../raw-ort.js';
import { interleave } from '../rounds.js';
import type { ServingConfig } from '../archives.js';
import { binaryRequest } from '../binary-request.js';
import type { RunningServer } from '../server.js';
import {
  batchedServing,
  clientBatchedServing,
  itemsPerClientBatch,
  unbatchedServing,
  type Workspace,
} from '../setup.js';
import { median, spread, type Spread } from '../stats.js';

/**
 * Three batches' worth of clients for two workers of 32: one full batch waits while two run, so a
 * worker that finishes starts again at once instead of waiting for its clients to send again.
 */
export const batchingConnections = 96;

/** Both ways of filling two cores in one process. */
const coreSplits: readonly CoreSplit[] = [
  { sessions: 1, intraOpThreads: 2 },
  { sessions: 2, intraOpThreads: 1 },
];

/** Past the best: on the 2-core machine, the best has been at 64, 128 or 256. */
const rawBatches: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

export interface RawBest extends CoreSplit {
  readonly batch: number;
  readonly items_per_s: Spread;
}

export interface ServerSide {
  readonly config: ServingConfig;
  /** Rows each request carries, and how: one JSON row, or several in the binary extension. */
  readonly items_per_request: number;
  readonly encoding: 'json' | 'binary';
  readonly items_per_s: Spread;
  /** Non-2xx answers and connection errors over all rounds; above 0, the numbers mean little. */
  readonly failed: number;
}

export interface BatchingResult {
  readonly model_mb: number;
  readonly connections: number;
  /** Clients that batch too: several rows per request, in binary. */
  readonly client_batched: ServerSide;
  readonly client_batched_connections: number;
  readonly batched: ServerSide;
  readonly unbatched: ServerSide;
  /** The configuration with the best median, and its rounds. */
  readonly raw_best: RawBest;
  /** The best core split at the server's own batch size. */
  readonly raw_at_server_batch: RawBest;
  /** Every point of the sweep: the median items/s over rounds. */
  readonly raw_sweep: readonly SweepPoint[];
}

type Round =
  | { kind: 'server'; itemsPerSecond: number; failed: number }
  | { kind: 'raw'; points: SweepPoint[] };

/** Three batches' worth of clients again, for two workers of 8 requests. */
const clientBatchedConnections = 24;

/**
 * The compute-bound MLP: onnxserve with dynamic batching, for clients that send one JSON item per
 * request and for clients that send 32 items in binary; one JSON item without batching; and bare
 * `session.run` loops over every batch size and core split, interleaved every round.
 */
export async function measureBatching(
  workspace: Workspace,
  server: RunningServer,
): Promise<BatchingResult> {
  const { plan, mlp } = workspace;
  // TorchServe's route for TorchServe-style clients, the Open Inference Protocol's for binary ones.
  const json = { items: 1, body: mlp.body, headers: {}, route: '/predictions/{model}' };
  const binary = { ...binaryRequest(mlp, itemsPerClientBatch), route: '/v2/models/{model}/infer' };
  const serve =
    (model: string, request: typeof json | typeof binary, connections: number) =>
    async (seconds: number): Promise<Round> => {
      const url = server.inferenceUrl + request.route.replace('{model}', model);
      const headers = { ...server.headers, ...request.headers };
      const load = { url, body: request.body, headers, seconds, connections };
      const { requestsPerSecond, failed } = await runLoad(load);
      return { kind: 'server', itemsPerSecond: requestsPerSecond * request.items, failed };
    };
  const batched = serve('mlp_batched', json, batchingConnections);
  const unbatched = serve('mlp_unbatched', json, batchingConnections);
  const clientBatched = serve('mlp_client_batched', binary, clientBatchedConnections);
  const sweep = {
    modelPath: mlp.path,
    inputName: mlp.inputName,
    width: mlp.width,
    batches: rawBatches,
    seconds: plan.rawSeconds,
  };
  const raw = async (): Promise<Round> => {
    const points: SweepPoint[] = [];
    for (const split of coreSplits) points.push(...(await sweepRaw(split, sweep)));
    return { kind: 'raw', points };
  };
  for (const side of [clientBatched, batched, unbatched]) await side(plan.warmupSeconds);
  const rounds = await interleave<Round>(plan.rounds, {
    client_batched: () => clientBatched(plan.batchingSeconds),
    batched: () => batched(plan.batchingSeconds),
    unbatched: () => unbatched(plan.batchingSeconds),
    raw,
  });
  return summarize(workspace, rounds);
}

function summarize(workspace: Workspace, rounds: Record<string, Round[]>): BatchingResult {
  const rawRounds = (rounds.raw ?? []).flatMap((round) =>
    round.kind === 'raw' ? [round.points] : [],
  );
  const sweep = medianSweep(rawRounds);
  return {
    model_mb: Math.round(workspace.mlp.weightBytes / 1e6),
    connections: batchingConnections,
    client_batched: serverSide(clientBatchedServing, rounds.client_batched, itemsPerClientBatch),
    client_batched_connections: clientBatchedConnections,
    batched: serverSide(batchedServing, rounds.batched),
    unbatched: serverSide(unbatchedServing, rounds.unbatched),
    raw_best: bestOf(sweep, rawRounds),
    raw_at_server_batch: bestOf(
      sweep.filter((point) => point.batch === batchedServing.batchSize),
      rawRounds,
    ),
    raw_sweep: sweep,
  };
}

function serverSide(config: ServingConfig, rounds: readonly Round[] = [], items = 1): ServerSide {
  const served = rounds.flatMap((round) => (round.kind === 'server' ? [round] : []));
  return {
    config,
    items_per_request: items,
    encoding: items === 1 ? 'json' : 'binary',
    items_per_s: spread(served.map((round) => Math.round(round.itemsPerSecond))),
    failed: served.reduce((sum, round) => sum + round.failed, 0),
  };
}

function samePoint(a: CoreSplit & { batch: number }, b: CoreSplit & { batch: number }): boolean {
  return a.sessions === b.sessions && a.intraOpThreads === b.intraOpThreads && a.batch === b.batch;
}

function medianSweep(rounds: readonly SweepPoint[][]): SweepPoint[] {
  return (rounds[0] ?? []).map((point) => {
    const values = rounds.flatMap((round) => round.filter((each) => samePoint(each, point)));
    return {
      ...point,
      itemsPerSecond: Math.round(median(values.map((each) => each.itemsPerSecond))),
    };
  });
}

function bestOf(sweep: readonly SweepPoint[], rounds: readonly SweepPoint[][]): RawBest {
  const best = sweep.reduce((top, point) =>
    point.itemsPerSecond > top.itemsPerSecond ? point : top,
  );
  const perRound = rounds.map(
    (round) => round.find((each) => samePoint(each, best))?.itemsPerSecond ?? 0,
  );
  const { sessions, intraOpThreads, batch } = best;
  return { sessions, intraOpThreads, batch, items_per_s: spread(perRound.map(Math.round)) };
}
