import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { getProperties } from 'properties-file';
import { escapeValue } from 'properties-file/escape';
import type { ModelRegistry, ModelVersionSettings } from '../registry/index.js';

/** One version as a snapshot records it, with TorchServe's field names. */
export interface SnapshotVersion extends ModelVersionSettings {
  readonly defaultVersion: boolean;
  readonly marName: string;
  readonly runtimeType: 'onnx';
}

export interface ModelSnapshot {
  readonly name: string;
  readonly modelCount: number;
  readonly created: number;
  readonly models: Record<string, Record<string, SnapshotVersion>>;
}

const KEEP = 20;
const SNAPSHOT_FILE = /^\d{17}-(startup|snapshot|shutdown)\.cfg$/;

function timestamp(date: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}${pad(date.getMilliseconds(), 3)}`
  );
}

export function takeSnapshot(registry: ModelRegistry): ModelSnapshot {
  const models: Record<string, Record<string, SnapshotVersion>> = {};
  for (const model of registry.all()) {
    (models[model.name] ??= {})[model.version] = {
      defaultVersion: registry.isDefault(model),
      marName: model.url,
      ...model.settings,
      runtimeType: 'onnx',
    };
  }
  return { name: 'snapshot', modelCount: registry.all().length, created: Date.now(), models };
}

/**
 * Writes `logs/config/<time>-<kind>.cfg` as TorchServe does, holding `model_snapshot` only:
 * settings stay with config.properties, so a restart never inherits, say, a disabled auth.
 */
export function writeSnapshot(
  configDir: string,
  kind: 'startup' | 'snapshot' | 'shutdown',
  snapshot: ModelSnapshot,
): void {
  mkdirSync(configDir, { recursive: true });
  const path = join(configDir, `${timestamp(new Date())}-${kind}.cfg`);
  const text = `# onnxserve model snapshot\nmodel_snapshot=${escapeValue(JSON.stringify(snapshot))}\n`;
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  for (const stale of snapshotFiles(configDir).slice(0, -KEEP)) unlinkSync(join(configDir, stale));
}

function snapshotFiles(configDir: string): string[] {
  try {
    return readdirSync(configDir)
      .filter((name) => SNAPSHOT_FILE.test(name))
      .sort();
  } catch {
    return [];
  }
}

/** The newest snapshot's models, or undefined when there is none. */
export function readLatestSnapshot(configDir: string): ModelSnapshot | undefined {
  const newest = snapshotFiles(configDir).at(-1);
  if (newest === undefined) return undefined;
  const properties = getProperties(readFileSync(join(configDir, newest)));
  const text = properties.model_snapshot;
  return text === undefined ? undefined : (JSON.parse(text) as ModelSnapshot);
}
