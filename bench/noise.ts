import { readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU ticks of the whole machine and of this process with its exited children. */
export interface CpuSnapshot {
  readonly busy: number;
  readonly own: number;
  readonly at: number;
}

/** `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal, in ticks. */
function machineBusyTicks(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? [];
  const [user, nice, system, , , irq, softirq, steal] = fields.slice(1, 9).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

/** utime, stime, cutime, cstime of /proc/self/stat: children count once they have been reaped. */
function ownTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.slice(11, 15).reduce((sum, n) => sum + Number(n), 0);
}

/** `null` where there is no procfs. */
export function cpuSnapshot(): CpuSnapshot | null {
  if (os.platform() !== 'linux') return null;
  return { busy: machineBusyTicks(), own: ownTicks(), at: performance.now() };
}

/**
 * The share of the machine's CPU capacity that something other than this benchmark (other
 * processes, a hypervisor's steal) used between two snapshots; 0 is a quiet machine.
 */
export function otherCpuShare(start: CpuSnapshot | null, end: CpuSnapshot | null): number | null {
  if (start === null || end === null) return null;
  // USER_HZ: what /proc counts in, 100 on every Linux architecture Node supports.
  const ticksPerSecond = 100;
  const capacity = ((end.at - start.at) / 1000) * ticksPerSecond * os.availableParallelism();
  const others = end.busy - start.busy - (end.own - start.own);
  return Math.round(Math.max(0, others / capacity) * 1000) / 1000;
}
