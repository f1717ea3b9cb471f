import type { FamilySpec } from './families.js';
import type { Labels } from './series.js';

/** A series' labels as TorchServe's log lines place them: dimensions, then the host. */
export interface LogTags {
  readonly dimensions: string;
  readonly hostname: string;
}

const hostLabel = /^hostname$/i;

export function logTags(labels: Labels): LogTags {
  const entries = Object.entries(labels);
  return {
    dimensions: entries
      .filter(([name]) => !hostLabel.test(name))
      .map(([name, value]) => `${name}:${value}`)
      .join(','),
    hostname: entries.find(([name]) => hostLabel.test(name))?.[1] ?? '',
  };
}

/** Java's way of printing a double for whole numbers (`1.0`); others to at most 3 decimals. */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toFixed(1);
  const rounded = Math.round(value * 1000) / 1000;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

/** `Requests2XX.Count:1.0|#Level:Host|#hostname:myhost,timestamp:1700000000`, as TorchServe logs. */
export function formatLogLine(
  spec: FamilySpec,
  tags: LogTags,
  value: number,
  nowMs: number,
): string {
  const timestamp = Math.floor(nowMs / 1000);
  return (
    `${spec.name}.${spec.unit}:${formatValue(value)}|#${tags.dimensions}` +
    `|#hostname:${tags.hostname},timestamp:${timestamp}`
  );
}
