import type { ServingConfig } from './archives.js';
import type { Report } from './report.js';
import type { RawBest, ServerSide } from './scenarios/batching.js';
import type { Spread } from './stats.js';

type Row = readonly string[];

/** `median (min–max)`, or just the value for a single round. */
function cell(value: Spread, digits = 0): string {
  const show = (n: number) => n.toFixed(digits);
  if (value.rounds.length < 2) return show(value.median);
  return `${show(value.median)} (${show(value.min)}–${show(value.max)})`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function section(title: string, header: Row, rows: readonly Row[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: Row) =>
    row.map((text, column) =>
      column === 0 ? text.padEnd(widths[0] ?? 0) : text.padStart(widths[column] ?? 0),
    );
  const shown = header.every((text) => text === '') ? rows : all;
  return [title, ...shown.map((row) => `  ${line(row).join('   ')}`)].join('\n');
}

function latency(report: Report): string {
  const result = report.scenarios.latency;
  const { onnxserve, onnxserve_worker_threads: threads, bare_http, raw_session_run } = result;
  const pair = (label: string, p50: Spread, p99: Spread): Row => [label, cell(p50), cell(p99)];
  return section(
    'Latency at concurrency 1, tiny model, keep-alive, auth on (µs)',
    ['', 'p50', 'p99'],
    [
      pair('onnxserve, inline worker', onnxserve.p50_us, onnxserve.p99_us),
      pair('onnxserve, worker thread', threads.p50_us, threads.p99_us),
      pair('bare node:http round trip', bare_http.p50_us, bare_http.p99_us),
      pair('raw session.run, in process', raw_session_run.p50_us, raw_session_run.p99_us),
      pair(
        'overhead, inline: onnxserve − (http + run)',
        result.overhead_p50_us,
        result.overhead_p99_us,
      ),
      pair(
        'overhead, worker thread',
        result.overhead_worker_threads_p50_us,
        result.overhead_worker_threads_p99_us,
      ),
    ],
  );
}

function serving(config: ServingConfig): string {
  const delay = config.batchSize > 1 ? `, delay ${config.maxBatchDelayMs} ms` : '';
  const kind = config.inline === true ? 'inline worker' : 'worker';
  const split = `${count(config.workers, kind)} × ${count(config.intraOpThreads, 'thread')}`;
  return `batchSize ${config.batchSize}${delay}, ${split}`;
}

function throughput(report: Report): string {
  const result = report.scenarios.throughput;
  const row = (label: string, side: typeof result.bare_http): Row => [
    label,
    cell(side.requests_per_s),
    `${side.p50_ms} / ${side.p99_ms}`,
    String(side.failed),
  ];
  const [batched, unbatched] = [serving(result.batched_config), serving(result.unbatched_config)];
  const threaded = serving({ ...result.batched_config, inline: false });
  return section(
    `Throughput, tiny model, ${result.connections} connections`,
    ['', 'req/s', 'p50 / p99 ms', 'failed'],
    [
      row(`onnxserve, auth on, ${batched}`, result.onnxserve_auth_on),
      row(`onnxserve, auth off, ${batched}`, result.onnxserve_auth_off),
      row(`onnxserve, auth on, ${threaded}`, result.onnxserve_worker_thread_auth_on),
      row(`onnxserve, auth on, ${unbatched}`, result.onnxserve_unbatched_auth_on),
      row('bare node:http', result.bare_http),
    ],
  );
}

function side(served: ServerSide, connections: number): Row {
  const items = served.items_per_request;
  const sent = items === 1 ? '1 JSON item' : `${items} binary items`;
  const label = `onnxserve, ${sent} per request, ${connections} conns, ${serving(served.config)}`;
  return [label, cell(served.items_per_s), String(served.failed)];
}

function batching(report: Report): string {
  const result = report.scenarios.batching;
  const raw = (point: RawBest, label: string): Row => {
    const split = `${count(point.sessions, 'session')} × ${count(point.intraOpThreads, 'thread')}`;
    return [`raw session.run, batch ${point.batch}, ${split}${label}`, cell(point.items_per_s), ''];
  };
  return section(
    `Batched throughput, MLP ${result.model_mb} MB`,
    ['', 'items/s', 'failed'],
    [
      side(result.client_batched, result.client_batched_connections),
      side(result.batched, result.connections),
      side(result.unbatched, result.connections),
      raw(result.raw_best, ' (best)'),
      raw(result.raw_at_server_batch, ' (server batch size)'),
    ],
  );
}

function startup(report: Report): string {
  const result = report.scenarios.startup;
  return section(
    `Startup with the bundled models (${result.models.join(', ')})`,
    ['', ''],
    [
      ['--start to "Model server started" (s)', cell(result.startup_s, 2)],
      ['idle RSS (MB)', cell(result.idle_rss_mb, 1)],
    ],
  );
}

function ratios(report: Report): string {
  const rows = Object.entries(report.ratios).map(([name, value]): Row => [name, String(value)]);
  return section('Ratios (latest.json "ratios")', ['', ''], rows);
}

function quiet(share: number | null): string {
  if (share === null) return 'CPU use of other processes unknown';
  return `other processes used ${(share * 100).toFixed(1)} % of the CPU during the run`;
}

/** The human summary: each number a median over rounds, with the range over rounds beside it. */
export function formatReport(report: Report): string {
  const { system } = report;
  const heading =
    `onnxserve bench, ${report.mode} mode, ${report.rounds} round(s) per comparison, ` +
    `${report.duration_s} s\n${system.cpu_model}, ${system.cores} cores, Node ${system.node}, ` +
    `onnxruntime-node ${system.onnxruntime_node}; ${quiet(report.other_cpu_share)}\n` +
    'median (min–max over rounds)';
  const parts = [heading, latency(report), throughput(report), batching(report), startup(report)];
  return [...parts, ratios(report)].join('\n\n') + '\n';
}
