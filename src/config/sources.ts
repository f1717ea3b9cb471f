import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getProperties } from 'properties-file';
import { environmentNames, settingSpecs, type SettingKey } from './settings.js';

/** Raw setting texts from one source, before parsing. */
export type RawSettings = Partial<Record<string, string>>;

export interface ConfigFile {
  readonly path: string;
  readonly values: RawSettings;
}

/**
 * Finds the properties file: `TS_CONFIG_FILE`, then `--ts-config`, then `./config.properties`.
 * A file that was named but is missing is an error; the implicit one is optional.
 */
export function locateConfigFile(
  env: NodeJS.ProcessEnv,
  cliPath: string | undefined,
  workingDir: string,
): string | undefined {
  const named = env.TS_CONFIG_FILE ?? cliPath;
  if (named !== undefined) {
    const path = resolve(workingDir, named);
    if (!existsSync(path)) throw new Error(`--ts-config file not found: ${named}`);
    return path;
  }
  const implicit = resolve(workingDir, 'config.properties');
  return existsSync(implicit) ? implicit : undefined;
}

/** Reads a Java properties file and replaces each `$$NAME$$` with the environment's NAME. */
export function readConfigFile(path: string, env: NodeJS.ProcessEnv): ConfigFile {
  const properties = getProperties(readFileSync(path));
  const values: RawSettings = {};
  for (const [key, value] of Object.entries(properties)) {
    values[key] = substituteEnvironment(value, env);
  }
  return { path, values };
}

function substituteEnvironment(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\$([A-Za-z_][A-Za-z0-9_]*)\$\$/g, (_, name: string) => {
    const replacement = env[name];
    if (replacement === undefined) throw new Error(`Invalid Environment Variable ${name}`);
    return replacement;
  });
}

/** The `TS_*` variables that name a setting. Callers apply them only behind the file's gate. */
export function readEnvironment(env: NodeJS.ProcessEnv): RawSettings {
  const values: RawSettings = {};
  for (const key of Object.keys(settingSpecs) as SettingKey[]) {
    const name = environmentNames(key).find((candidate) => env[candidate] !== undefined);
    if (name !== undefined) values[key] = env[name];
  }
  return values;
}
