import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadRequest {
  readonly url: string;
  readonly body: string | Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly seconds: number;
  /** Keep every 2xx response time (microsecond resolution) for percentiles. */
  readonly keepLatencies?: boolean;
}

export interface LoadResult {
  /** Successful (2xx) responses per second over the whole run. */
  readonly requestsPerSecond: number;
  readonly ok: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  readonly failed: number;
  /** Milliseconds: our own samples when kept, else autocannon's whole-millisecond histogram. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** One autocannon run: POSTs `body` over keep-alive connections for `seconds`. */
export function runLoad(request: LoadRequest): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: 'POST',
        body: request.body,
        headers: { ...request.headers },
        connections: request.connections,
        duration: request.seconds,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error !== null && error !== undefined) reject(toError(error));
        else settle(() => summarize(result, latencies), resolve, reject);
      },
    );
    if (request.keepLatencies === true) {
      instance.on('response', (_client, status, _bytes, responseTimeMs) => {
        if (status >= 200 && status < 300) latencies.push(responseTimeMs);
      });
    }
  });
}

function summarize(result: autocannon.Result, latencies: number[]): LoadResult {
  const ok = result['2xx'];
  const failed = result.non2xx + result.errors + result.timeouts;
  if (ok === 0) throw new Error(`no successful response from ${result.url} (${failed} failed)`);
  const sorted = latencies.sort((a, b) => a - b);
  const kept = sorted.length > 0;
  return {
    requestsPerSecond: ok / result.duration,
    ok,
    failed,
    p50Ms: kept ? percentile(sorted, 0.5) : result.latency.p50,
    p99Ms: kept ? percentile(sorted, 0.99) : result.latency.p99,
  };
}

function settle<T>(work: () => T, resolve: (value: T) => void, reject: (error: Error) => void) {
  try {
    resolve(work());
  } catch (error: unknown) {
    reject(toError(error));
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
