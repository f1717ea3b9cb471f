import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { Plan } from './plan.js';
import type { BatchingResult } from './scenarios/batching.js';
import type { LatencyResult } from './scenarios/latency.js';
import type { StartupResult } from './scenarios/startup.js';
import type { ThroughputResult } from './scenarios/throughput.js';
import type { Spread } from './stats.js';
import type { SystemInfo } from './system.js';

export const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
export const latestPath = join(resultsDir, 'latest.json');

export interface Scenarios {
  readonly latency: LatencyResult;
  readonly throughput: ThroughputResult;
  readonly batching: BatchingResult;
  readonly startup: StartupResult;
}

export interface Ratios {
  readonly overhead_p50_us_c1: number;
  readonly overhead_p99_us_c1: number;
  /** The same with the model in a worker thread instead of inline. */
  readonly overhead_p50_us_c1_worker_thread: number;
  readonly tiny_throughput_vs_bare_http: number;
  readonly tiny_throughput_worker_thread_vs_bare_http: number;
  readonly tiny_unbatched_throughput_vs_bare_http: number;
  /** Clients sending 32 items per request in binary, dynamically batched, against raw at its best. */
  readonly batched_vs_raw_ort: number;
  /** One JSON item per request, dynamically batched, against raw at its best. */
  readonly one_item_json_vs_raw_ort: number;
  /** The same against raw runs of the server's own batch size rather than the best one. */
  readonly one_item_json_vs_raw_ort_same_batch: number;
  /** One JSON item per request: batchSize 32 against 1. */
  readonly batching_on_vs_off: number;
  /**
   * The tiny model in a worker thread, batched against one request per run: what batching lifts
   * on a cheap model.
   */
  readonly tiny_batching_on_vs_off: number;
  readonly auth_on_vs_off: number;
  readonly startup_s: number;
  readonly idle_rss_mb: number;
}

export interface Report {
  readonly mode: Plan['mode'];
  readonly rounds: number;
  readonly started_at: string;
  readonly duration_s: number;
  readonly system: SystemInfo;
  /** Share of the CPU that other processes used during the run: above ~0.05, rerun. */
  readonly other_cpu_share: number | null;
  readonly plan: Plan;
  readonly ratios: Ratios;
  readonly scenarios: Scenarios;
}

function ratio(numerator: Spread, denominator: Spread): number {
  return Math.round((numerator.median / denominator.median) * 1000) / 1000;
}

/** The headline numbers, each from medians over the rounds of one run. */
export function computeRatios(scenarios: Scenarios): Ratios {
  const { latency, throughput, batching, startup } = scenarios;
  const authOn = throughput.onnxserve_auth_on.requests_per_s;
  const bare = throughput.bare_http.requests_per_s;
  const threaded = throughput.onnxserve_worker_thread_auth_on.requests_per_s;
  return {
    overhead_p50_us_c1: latency.overhead_p50_us.median,
    overhead_p99_us_c1: latency.overhead_p99_us.median,
    overhead_p50_us_c1_worker_thread: latency.overhead_worker_threads_p50_us.median,
    tiny_throughput_vs_bare_http: ratio(authOn, bare),
    tiny_throughput_worker_thread_vs_bare_http: ratio(threaded, bare),
    tiny_unbatched_throughput_vs_bare_http: ratio(
      throughput.onnxserve_unbatched_auth_on.requests_per_s,
      bare,
    ),
    batched_vs_raw_ort: ratio(batching.client_batched.items_per_s, batching.raw_best.items_per_s),
    one_item_json_vs_raw_ort: ratio(batching.batched.items_per_s, batching.raw_best.items_per_s),
    one_item_json_vs_raw_ort_same_batch: ratio(
      batching.batched.items_per_s,
      batching.raw_at_server_batch.items_per_s,
    ),
    batching_on_vs_off: ratio(batching.batched.items_per_s, batching.unbatched.items_per_s),
    tiny_batching_on_vs_off: ratio(threaded, throughput.onnxserve_unbatched_auth_on.requests_per_s),
    auth_on_vs_off: ratio(authOn, throughput.onnxserve_auth_off.requests_per_s),
    startup_s: startup.startup_s.median,
    idle_rss_mb: startup.idle_rss_mb.median,
  };
}

/** Written as the project's formatter would, so `prettier --check .` passes on committed results. */
export async function writeReport(report: Report, path = latestPath): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const options = await resolveConfig(path);
  const text = await format(JSON.stringify(report), { ...options, filepath: path });
  writeFileSync(path, text);
}
