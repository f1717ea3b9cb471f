import type { Logger } from '../logging/index.js';
import type { FamilyName } from './families.js';
import type { Family, Series } from './series.js';
import { cpuPercent, cpuTimes, diskReading, memoryReading, type CpuTimes } from './system.js';

type SystemFamily =
  | 'cpuUtilization'
  | 'memoryUsed'
  | 'memoryAvailable'
  | 'memoryUtilization'
  | 'diskUsage'
  | 'diskAvailable'
  | 'diskUtilization';

export interface SystemSamplerOptions {
  readonly families: Readonly<Record<Extract<FamilyName, SystemFamily>, Family>>;
  readonly hostname: string;
  /** A path on the file system whose usage the disk metrics report. */
  readonly diskPath: string;
  readonly logger: Logger;
}

/** TorchServe's host metrics: CPU, memory and disk, each sample setting their gauges. */
export class SystemSampler {
  private readonly series: Readonly<Record<SystemFamily, Series>>;
  private cpuBefore: CpuTimes = { busy: 0, total: 0 };
  private stopped = false;

  constructor(private readonly options: SystemSamplerOptions) {
    const host = { Level: 'Host', Hostname: options.hostname };
    const bind = (name: SystemFamily): Series => options.families[name].series(host);
    this.series = {
      cpuUtilization: bind('cpuUtilization'),
      memoryUsed: bind('memoryUsed'),
      memoryAvailable: bind('memoryAvailable'),
      memoryUtilization: bind('memoryUtilization'),
      diskUsage: bind('diskUsage'),
      diskAvailable: bind('diskAvailable'),
      diskUtilization: bind('diskUtilization'),
    };
  }

  /** CPU is the busy share since the previous sample; the first covers the time since boot. */
  sample(): void {
    const cpu = cpuTimes();
    const percent = cpuPercent(this.cpuBefore, cpu);
    this.cpuBefore = cpu;
    if (percent !== undefined) this.series.cpuUtilization.record(percent);
    const memory = memoryReading();
    this.series.memoryUsed.record(memory.usedMb);
    this.series.memoryAvailable.record(memory.availableMb);
    this.series.memoryUtilization.record(memory.percent);
    void this.sampleDisk();
  }

  /** A disk reading still under way records nothing once stopped. */
  stop(): void {
    this.stopped = true;
  }

  private async sampleDisk(): Promise<void> {
    const { diskPath, logger } = this.options;
    try {
      const disk = await diskReading(diskPath);
      if (this.stopped) return;
      this.series.diskUsage.record(disk.usedGb);
      this.series.diskAvailable.record(disk.availableGb);
      this.series.diskUtilization.record(disk.percent);
    } catch (error: unknown) {
      logger.warn(`Cannot read the disk usage of ${diskPath}: ${String(error)}`);
    }
  }
}
