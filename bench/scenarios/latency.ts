import type { BareHttp } from '../bare-http.js';
import { runLoad } from '../load.js';
import { openRawSession } from '../raw-ort.js';
import { interleave } from '../rounds.js';
import type { RunningServer } from '../server.js';
import type { Workspace } from '../setup.js';
import { spread, toMicros, type Spread } from '../stats.js';

interface Percentiles {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LatencyResult {
  /** Per side, the median over rounds of each round's p50 and p99, in microseconds. */
  readonly onnxserve: { p50_us: Spread; p99_us: Spread };
  readonly bare_http: { p50_us: Spread; p99_us: Spread };
  readonly raw_session_run: { p50_us: Spread; p99_us: Spread };
  /** onnxserve − (bare HTTP + raw run), per round, then the median. */
  readonly overhead_p50_us: Spread;
  /** The same with p99s: an upper bound, since the tails of the parts need not add up. */
  readonly overhead_p99_us: Spread;
}

/**
 * Concurrency 1 on the tiny model: onnxserve end to end (keep-alive, auth on) against the sum of
 * a bare `node:http` round trip with the same body and an in-process `session.run`.
 */
export async function measureLatency(
  workspace: Workspace,
  server: RunningServer,
  bare: BareHttp,
): Promise<LatencyResult> {
  const { plan, tiny } = workspace;
  const raw = await openRawSession(tiny.path, tiny.inputName, tiny.row);
  try {
    const overServer = (seconds: number) =>
      sequential(`${server.inferenceUrl}/predictions/tiny`, tiny.body, server.headers, seconds);
    const overBare = (seconds: number) => sequential(bare.url, tiny.body, {}, seconds);
    await overServer(plan.warmupSeconds);
    await overBare(plan.warmupSeconds);
    const rounds = await interleave<Percentiles>(plan.rounds, {
      onnxserve: () => overServer(plan.latencySeconds),
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
  const [server, bare, raw] = [rounds.onnxserve ?? [], rounds.bare ?? [], rounds.raw ?? []];
  const overhead = (pick: (each: Percentiles) => number) =>
    spread(server.map((each, round) => toMicros(pick(each) - floor(bare, raw, round, pick))));
  return {
    onnxserve: micros(server),
    bare_http: micros(bare),
    raw_session_run: micros(raw),
    overhead_p50_us: overhead((each) => each.p50Ms),
    overhead_p99_us: overhead((each) => each.p99Ms),
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

function micros(rounds: readonly Percentiles[]): { p50_us: Spread; p99_us: Spread } {
  return {
    p50_us: spread(rounds.map((each) => toMicros(each.p50Ms))),
    p99_us: spread(rounds.map((each) => toMicros(each.p99Ms))),
  };
}
