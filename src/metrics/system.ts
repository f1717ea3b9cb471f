import { statfs } from 'node:fs/promises';
import { cpus, freemem, totalmem } from 'node:os';

/** Cumulative CPU time of every core since boot, in ms. */
export interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

export interface MemoryReading {
  readonly usedMb: number;
  readonly availableMb: number;
  readonly percent: number;
}

export interface DiskReading {
  readonly usedGb: number;
  readonly availableGb: number;
  readonly percent: number;
}

const MB = 1024 ** 2;
const GB = 1024 ** 3;

export function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** Percent of CPU time spent busy between two readings; undefined when no time passed. */
export function cpuPercent(before: CpuTimes, after: CpuTimes): number | undefined {
  const total = after.total - before.total;
  if (!(total > 0)) return undefined;
  return ((after.busy - before.busy) / total) * 100;
}

/** Host memory; `os.freemem` is what the kernel calls available (reclaimable caches included). */
export function memoryReading(): MemoryReading {
  const total = totalmem();
  const available = freemem();
  const used = total - available;
  return { usedMb: used / MB, availableMb: available / MB, percent: (used / total) * 100 };
}

/** The file system holding `path`, as `df` reports it: space free to unprivileged users. */
export async function diskReading(path: string): Promise<DiskReading> {
  const stats = await statfs(path);
  const used = (stats.blocks - stats.bfree) * stats.bsize;
  const available = stats.bavail * stats.bsize;
  const percent = used + available > 0 ? (used / (used + available)) * 100 : 0;
  return { usedGb: used / GB, availableGb: available / GB, percent };
}
