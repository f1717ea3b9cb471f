import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { resolveLogDir, resolveSettings, type SettingSource } from './resolve.js';
import type { SettingKey, Settings } from './settings.js';
import { locateConfigFile, readConfigFile, readEnvironment, type RawSettings } from './sources.js';

/** What the command line contributes to the configuration. */
export interface CliConfig {
  readonly tsConfig?: string | undefined;
  readonly logConfig?: string | undefined;
  readonly modelStore?: string | undefined;
  readonly models?: readonly string[] | undefined;
  readonly disableTokenAuth?: boolean;
  readonly enableModelApi?: boolean;
  readonly snapshots?: boolean;
}

/** The resolved, frozen configuration of one server process. */
export interface Config {
  readonly settings: Settings;
  readonly sources: Readonly<Record<SettingKey, SettingSource>>;
  readonly warnings: readonly string[];
  readonly configFile: string | undefined;
  readonly workingDir: string;
  readonly logDir: string;
  readonly logConfigFile: string | undefined;
  readonly pidFile: string;
  readonly snapshots: boolean;
}

export function loadConfig(
  cli: CliConfig,
  env: NodeJS.ProcessEnv = process.env,
  workingDir: string = process.cwd(),
): Config {
  const configFile = locateConfigFile(env, cli.tsConfig, workingDir);
  const file = configFile === undefined ? {} : readConfigFile(configFile, env).values;
  const resolved = resolveSettings({
    file,
    filePath: configFile,
    environment: readEnvironment(env),
    cli: cliLayer(cli),
  });

  return Object.freeze({
    ...resolved,
    configFile,
    workingDir,
    logDir: resolveLogDir(env, workingDir),
    logConfigFile: cli.logConfig === undefined ? undefined : resolve(workingDir, cli.logConfig),
    pidFile: resolve(workingDir, resolved.settings.pid_file ?? resolve(tmpdir(), '.onnxserve.pid')),
    snapshots: cli.snapshots ?? true,
  });
}

/** Flags are one-way switches, as in TorchServe: an absent flag overrides nothing. */
function cliLayer(cli: CliConfig): RawSettings {
  const layer: RawSettings = {};
  if (cli.modelStore !== undefined) layer.model_store = cli.modelStore;
  if (cli.models !== undefined) layer.load_models = cli.models.join(',');
  if (cli.disableTokenAuth === true) layer.disable_token_authorization = 'true';
  if (cli.enableModelApi === true) layer.enable_model_api = 'true';
  return layer;
}

/** Checks that only a starting server needs: the model store and the files it names. */
export function checkServerConfig(config: Config): void {
  const store = config.settings.model_store;
  if (store === undefined) throw new Error('Missing mandatory parameter --model-store');
  if (!isDirectory(resolve(config.workingDir, store))) {
    throw new Error(`--model-store directory not found: ${store}`);
  }
  if (config.logConfigFile !== undefined && !isFile(config.logConfigFile)) {
    throw new Error(`--log-config file not found: ${config.logConfigFile}`);
  }
  for (const key of ['private_key_file', 'certificate_file'] as const) {
    const path = config.settings[key];
    if (path !== undefined && !isFile(resolve(config.workingDir, path))) {
      throw new Error(`${key}: file not found: ${path}`);
    }
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
