import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { env } from 'onnxruntime-node';

export interface SystemInfo {
  readonly cpu_model: string;
  readonly cores: number;
  readonly available_parallelism: number;
  readonly memory_gb: number;
  readonly os: string;
  readonly node: string;
  readonly onnxruntime_node: string;
  readonly autocannon: string;
  /** One-minute load average when the run began: anything well above 0 skews the numbers. */
  readonly load_average_at_start: number;
  readonly commit: string | null;
}

const require = createRequire(import.meta.url);

/** What the numbers depend on. Nothing is pinned: no affinity, governor or priority is changed. */
export function describeSystem(): SystemInfo {
  const [cpu] = os.cpus();
  return {
    cpu_model: cpu?.model ?? 'unknown',
    cores: os.cpus().length,
    available_parallelism: os.availableParallelism(),
    memory_gb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntime_node: env.versions.node ?? 'unknown',
    autocannon: (require('autocannon/package.json') as { version: string }).version,
    load_average_at_start: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    commit: headCommit(),
  };
}

const checkout = new URL('../../', import.meta.url);

function headCommit(): string | null {
  try {
    const options = { cwd: checkout, encoding: 'utf8', stdio: 'pipe' } as const;
    return execFileSync('git', ['rev-parse', 'HEAD'], options).trim();
  } catch {
    // Outside a checkout (an unpacked tarball) the results simply carry no commit.
    return null;
  }
}
