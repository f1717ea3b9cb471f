import { resolve } from 'node:path';
import {
  acceptedTorchServeKeys,
  settingSpecs,
  type SettingKey,
  type Settings,
} from './settings.js';
import type { RawSettings } from './sources.js';
import { parseBoolean } from './values.js';

export type SettingSource = 'default' | 'file' | 'environment' | 'cli';

/** The three partial configurations, as each source wrote them. */
export interface ConfigLayers {
  readonly file: RawSettings;
  readonly filePath: string | undefined;
  readonly environment: RawSettings;
  readonly cli: RawSettings;
}

export interface ResolvedSettings {
  readonly settings: Settings;
  readonly sources: Readonly<Record<SettingKey, SettingSource>>;
  readonly warnings: readonly string[];
}

/**
 * The one merge. Precedence for every setting: command line > environment > file > default.
 * The environment counts only when the file itself says `enable_envvars_config=true`.
 */
export function resolveSettings(layers: ConfigLayers): ResolvedSettings {
  const gate = layers.file.enable_envvars_config;
  const environmentOn = gate !== undefined && parseBoolean(gate, 'enable_envvars_config');
  const ordered: [SettingSource, RawSettings][] = [
    ['cli', layers.cli],
    ['environment', environmentOn ? layers.environment : {}],
    ['file', layers.file],
  ];

  const settings: Record<string, unknown> = {};
  const sources = {} as Record<SettingKey, SettingSource>;
  for (const key of Object.keys(settingSpecs) as SettingKey[]) {
    const spec = settingSpecs[key];
    const winner = ordered.find(([, raw]) => raw[key] !== undefined);
    if (winner === undefined) {
      settings[key] = spec.fallback;
      sources[key] = 'default';
      continue;
    }
    const [source, raw] = winner;
    settings[key] = parseFrom(source, layers.filePath, () => spec.parse(raw[key] ?? '', key));
    sources[key] = source;
  }

  return {
    settings: Object.freeze(settings) as Settings,
    sources: Object.freeze(sources),
    warnings: unknownKeys(layers.file).map((key) => `Unknown configuration key ignored: ${key}`),
  };
}

function parseFrom<T>(source: SettingSource, filePath: string | undefined, parse: () => T): T {
  try {
    return parse();
  } catch (error: unknown) {
    if (!(error instanceof Error)) throw error;
    const where = source === 'file' && filePath !== undefined ? `file ${filePath}` : source;
    const Kind = error instanceof RangeError ? RangeError : TypeError;
    throw new Kind(`Invalid configuration (${where}): ${error.message}`);
  }
}

function unknownKeys(file: RawSettings): string[] {
  return Object.keys(file).filter(
    (key) => !(key in settingSpecs) && !acceptedTorchServeKeys.has(key),
  );
}

/** Where logs go: `LOG_LOCATION`, else `logs/` under the working directory. */
export function resolveLogDir(env: NodeJS.ProcessEnv, workingDir: string): string {
  return resolve(workingDir, env.LOG_LOCATION ?? 'logs');
}
