import type { ModelConfig } from '../archive/index.js';
import type { ModelVersionSettings } from '../registry/index.js';

/** What a registration asks for; undefined means "not given". */
export interface RequestedSettings {
  readonly batchSize?: number | undefined;
  readonly maxBatchDelay?: number | undefined;
  readonly initialWorkers?: number | undefined;
  readonly responseTimeout?: number | undefined;
  readonly startupTimeout?: number | undefined;
}

/** Per-version values from the `models=` JSON of config.properties. */
export type ConfiguredSettings = Partial<Record<keyof ModelVersionSettings, number>>;

export interface SettingDefaults {
  readonly workers: number;
  readonly responseTimeout: number;
  readonly startupTimeout: number;
}

const positive = (value: number | undefined): number | undefined =>
  value !== undefined && value > 0 ? value : undefined;

/** A delay of 0 is meaningful (batch only what is already queued), unlike a batch size of 0. */
const nonNegative = (value: number | undefined): number | undefined =>
  value !== undefined && value >= 0 ? value : undefined;

/**
 * TorchServe's order for a registration's settings: the request, then the archive's
 * model-config.yaml, then `models=` in config.properties, then the server defaults. Workers come
 * from the yaml when it gives a valid min/max pair, else min = max = the initial workers.
 */
export function effectiveSettings(
  requested: RequestedSettings,
  yaml: ModelConfig,
  configured: ConfiguredSettings,
  defaults: SettingDefaults,
): ModelVersionSettings {
  const yamlMin = positive(yaml.minWorkers);
  const yamlPair = yamlMin !== undefined && (yaml.maxWorkers ?? 0) >= yamlMin;
  const initial = requested.initialWorkers ?? configured.minWorkers ?? defaults.workers;
  return {
    minWorkers: yamlPair ? yamlMin : initial,
    maxWorkers: yamlPair ? (yaml.maxWorkers ?? yamlMin) : (configured.maxWorkers ?? initial),
    batchSize:
      positive(requested.batchSize) ??
      positive(yaml.batchSize) ??
      positive(configured.batchSize) ??
      1,
    maxBatchDelay:
      requested.maxBatchDelay ?? nonNegative(yaml.maxBatchDelay) ?? configured.maxBatchDelay ?? 100,
    responseTimeout:
      positive(yaml.responseTimeout) ??
      positive(configured.responseTimeout) ??
      positive(requested.responseTimeout) ??
      defaults.responseTimeout,
    startupTimeout:
      positive(yaml.startupTimeout) ??
      positive(configured.startupTimeout) ??
      positive(requested.startupTimeout) ??
      defaults.startupTimeout,
  };
}

/** Reads `models={"name": {"version": {...}}}` for one version, ignoring values ≤ 0. */
export function configuredSettings(
  models: Readonly<Record<string, unknown>> | undefined,
  name: string,
  version: string,
): ConfiguredSettings {
  const entry = (models?.[name] as Record<string, unknown> | undefined)?.[version];
  if (typeof entry !== 'object' || entry === null) return {};
  const result: Record<string, number> = {};
  for (const key of [
    'minWorkers',
    'maxWorkers',
    'batchSize',
    'maxBatchDelay',
    'responseTimeout',
    'startupTimeout',
  ]) {
    const value = (entry as Record<string, unknown>)[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) result[key] = value;
  }
  return result;
}
