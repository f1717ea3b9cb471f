import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The compiled archiver, as `npx onnx-model-archiver` runs it. */
const archiverPath = fileURLToPath(new URL('../src/archiver/main.js', import.meta.url));

/** The bundled example store, from `dist/bench/`. */
export const bundledStore = fileURLToPath(new URL('../../examples/model_store/', import.meta.url));

/** The frontend keys of `model-config.yaml` a benchmark sets. */
export interface ServingConfig {
  readonly workers: number;
  readonly batchSize: number;
  readonly maxBatchDelayMs: number;
  readonly intraOpThreads: number;
  /** Workers on the server's own thread (`inline: true`); worker threads when absent. */
  readonly inline?: boolean;
}

export function modelConfigYaml(config: ServingConfig): string {
  return [
    `minWorkers: ${config.workers}`,
    `maxWorkers: ${config.workers}`,
    `batchSize: ${config.batchSize}`,
    `maxBatchDelay: ${config.maxBatchDelayMs}`,
    `intraOpThreads: ${config.intraOpThreads}`,
    ...(config.inline === true ? ['inline: true'] : []),
    '',
  ].join('\n');
}

export interface PackRequest {
  readonly name: string;
  readonly onnxPath: string;
  readonly config: ServingConfig;
  readonly store: string;
  /** Scratch space for the config file. */
  readonly scratch: string;
}

/**
 * Packs a model with `onnx-model-archiver` and the `tensor` handler; returns the archive's file
 * name in the store. Stored, not deflated: random weights do not compress, and deflating 100 MB
 * would only slow every run down.
 */
export async function packModel(request: PackRequest): Promise<string> {
  const configFile = join(request.scratch, `${request.name}-model-config.yaml`);
  writeFileSync(configFile, modelConfigYaml(request.config));
  await run(process.execPath, [
    archiverPath,
    ...['--model-name', request.name, '--version', '1.0'],
    ...['--serialized-file', request.onnxPath, '--handler', 'tensor'],
    ...['--config-file', configFile, '--archive-format', 'zip-store'],
    ...['--export-path', request.store],
  ]);
  return `${request.name}.mar`;
}

/** A copy of the bundled store, so a run can never touch the checkout's archives. */
export function copyBundledStore(target: string): void {
  mkdirSync(target, { recursive: true });
  for (const file of readdirSync(bundledStore).filter((name) => name.endsWith('.mar'))) {
    copyFileSync(join(bundledStore, file), join(target, file));
  }
}
