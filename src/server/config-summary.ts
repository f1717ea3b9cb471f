import { addressIdentity, settingSpecs, type Config, type SettingKey } from '../config/index.js';

function display(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (value instanceof RegExp) return value.source;
  if (Array.isArray(value)) return value.map(display).join(',') || '(none)';
  if (typeof value === 'object' && value !== null && 'kind' in value) {
    return addressIdentity(value as Parameters<typeof addressIdentity>[0]);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The resolved settings with where each came from; the configuration holds no secrets. */
export function summarizeConfig(config: Config): string {
  const lines = (Object.keys(settingSpecs) as SettingKey[]).map(
    (key) => `  ${key}: ${display(config.settings[key])} (${config.sources[key]})`,
  );
  const head = [
    `Config file: ${config.configFile ?? '(none)'}`,
    `Working directory: ${config.workingDir}`,
    `Log directory: ${config.logDir}`,
    `Config snapshots: ${config.snapshots ? 'on' : 'off'}`,
  ];
  return ['Resolved configuration:', ...head.map((line) => `  ${line}`), ...lines].join('\n');
}
