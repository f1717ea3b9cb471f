import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logging/index.js';
import { displayUrl } from './download.js';
import type { ModelManager } from './manager.js';
import type { ModelSnapshot } from './snapshot.js';

const archiveFile = /\.(mar|model|tar\.gz|tgz)$/i;

/** `all`: every archive in the store, and every directory that holds a manifest. */
function everyArchive(modelStore: string): string[] {
  return readdirSync(modelStore)
    .filter((name) => !name.startsWith('.'))
    .filter((name) => {
      const path = join(modelStore, name);
      return archiveFile.test(name) ? isFile(path) : isFile(join(path, 'MAR-INF', 'MANIFEST.json'));
    })
    .sort();
}

/** False for anything that is not a readable regular file, a path through a file included. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `load_models` / `--models` entries, `[name=]location` or `all`, as registrations. */
export function startupEntries(
  entries: readonly string[],
  modelStore: string,
): { name?: string; url: string }[] {
  return entries.flatMap((entry) => {
    if (entry === 'all') return everyArchive(modelStore).map((url) => ({ url }));
    const equals = entry.indexOf('=');
    return equals < 0
      ? [{ url: entry }]
      : [{ name: entry.slice(0, equals), url: entry.slice(equals + 1) }];
  });
}

/**
 * Registers the startup models; their workers load in the background. A model that fails is
 * logged and skipped, as TorchServe does.
 */
export async function loadStartupModels(
  manager: ModelManager,
  entries: readonly { name?: string; url: string }[],
  workers: number,
  logger: Logger,
): Promise<void> {
  for (const { name, url } of entries) {
    await manager
      .register({ url, modelName: name, synchronous: false, initialWorkers: workers }, true)
      .then((outcome) => logger.info(`Loading model ${name ?? displayUrl(url)}: ${outcome.status}`))
      .catch((error: unknown) =>
        logger.error(`Failed to load model ${name ?? displayUrl(url)}: ${String(error)}`),
      );
  }
}

/** Registers every version a snapshot holds, with its settings, then its default versions. */
export async function restoreSnapshot(
  manager: ModelManager,
  snapshot: ModelSnapshot,
  logger: Logger,
): Promise<void> {
  for (const [name, versions] of Object.entries(snapshot.models)) {
    for (const [version, saved] of Object.entries(versions)) {
      await manager
        .restore(name, saved)
        .catch((error: unknown) =>
          logger.error(`Failed to restore model ${name} ${version}: ${String(error)}`),
        );
    }
    const chosen = Object.entries(versions).find(([, saved]) => saved.defaultVersion)?.[0];
    if (chosen !== undefined) {
      try {
        manager.setDefault(name, chosen);
      } catch (error: unknown) {
        logger.error(`Failed to restore the default version of ${name}: ${String(error)}`);
      }
    }
  }
}
