import type { BareHttp } from '../bare-http.js';
import { runLoad } from '../load.js';
import { openRawSession } from '../raw-ort.js';
import { interleave } from '../rounds.js';
import type { RunningServer } from '../server.js';
import type { ServingConfig } from '../archives.js';
import { tinyInlineServing, type Workspace } from '../setup.js';
import { spread, toMicros, type Spread } from '../stats.js';

interface Percentiles {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

type Micros = { p50_us: Spread; p99_us: Spread };

export interface LatencyResult {
  /** The model registered as `tiny_inline`, its workers on the server's thread. */
  readonly onnxserve_config: ServingConfig;
  /** Per side, the median over rounds of each round's p50 and p99, in microseconds. */
  readonly onnxserve: Micros;
  /** The same model as `tiny`, in a worker thread: a thread hop each way per request. */
  readonly onnxserve_worker_threads: Micros;
  readonly bare_http: { p50_us: Spread; p99_us: Spread };
  readonly raw_session_run: { p50_us: Spread; p99_us: Spread };
  /** onnxserve − (bare HTTP + raw run), per round, then the median. */
  readonly overhead_p50_us: Spread;
  /** The same with p99s: an upper bound, since the tails of the parts need not add up. */
  readonly overhead_p99_us: Spread;
  readonly overhead_worker_threads_p50_us: Spread;
  readonly overhead_worker_threads_p99_us: Spread;
}

/**
 * Concurrency 1 on the tiny model: onnxserve end to end (keep-alive, auth on), with inline workers
 * and with a worker thread, against the sum of a bare `node:http` round trip with the same body
 * and an in-process `session.run`.
 */
export async function measureLatency(
  workspace: Workspace,
  server: RunningServer,
  bare: BareHttp,
): Promise<LatencyResult> {
  const { plan, tiny } = workspace;
  const raw = await openRawSession(tiny.path, tiny.inputName, tiny.row);
  try {
    const overServer = (model: string) => (seconds: number) =>
      sequential(`${server.inferenceUrl}/predictions/${model}`, tiny.body, server.headers, seconds);
    const [overInline, overThreads] = [overServer('tiny_inline'), overServer('tiny')];
    const overBare = (seconds: number) => sequential(bare.url, tiny.body, {}, seconds);
    for (const side of [overInline, overThreads, overBare]) await side(plan.warmupSeconds);
    const rounds = await interleave<Percentiles>(plan.rounds, {
      onnxserve: () => overInline(plan.latencySeconds),
      threads: () => overThreads(plan.latencySeconds),
      bare: () => overBare(plan.latencySeconds),
      raw: () => raw.measure(plan.latencySeconds),
    });
    return summarize(rounds);
  } finally {
    await raw.close();
  }
}

function sequential(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  seconds: number,
): Promise<Percentiles> {
  return runLoad({ url, body, headers, connections: 1, seconds, keepLatencies: true });
}

function summarize(rounds: Record<string, Percentiles[]>): LatencyResult {
  const [bare, raw] = [rounds.bare ?? [], rounds.raw ?? []];
  const [inline, threads] = [rounds.onnxserve ?? [], rounds.threads ?? []];
  const overhead = (server: Percentiles[], pick: (each: Percentiles) => number) =>
    spread(server.map((each, round) => toMicros(pick(each) - floor(bare, raw, round, pick))));
  const p50 = (each: Percentiles) => each.p50Ms;
  const p99 = (each: Percentiles) => each.p99Ms;
  return {
    onnxserve_config: tinyInlineServing,
    onnxserve: micros(inline),
    onnxserve_worker_threads: micros(threads),
    bare_http: micros(bare),
    raw_session_run: micros(raw),
    overhead_p50_us: overhead(inline, p50),
    overhead_p99_us: overhead(inline, p99),
    overhead_worker_threads_p50_us: overhead(threads, p50),
    overhead_worker_threads_p99_us: overhead(threads, p99),
  };
}

function floor(
  bare: readonly Percentiles[],
  raw: readonly Percentiles[],
  round: number,
  pick: (each: Percentiles) => number,
): number {
  const [http, run] = [bare[round], raw[round]];
  if (http === undefined || run === undefined) throw new Error(`round ${round} is incomplete`);
  return pick(http) + pick(run);
}

function micros(rounds: readonly Percentiles[]): Micros {
  return {
    p50_us: spread(rounds.map((each) => toMicros(each.p50Ms))),
    p99_us: spread(rounds.map((each) => toMicros(each.p99Ms))),
  };
}
