import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packModel, type ServingConfig } from './archives.js';
import { mlpModel, sampleRow, tinyModel, type BuiltModel } from './models.js';
import type { Plan } from './plan.js';

/** One generated model: its file, its archives, and the JSON body of a one-item request. */
export interface BenchModel {
  readonly path: string;
  readonly inputName: string;
  readonly width: number;
  readonly weightBytes: number;
  /** The one item every request sends, and its JSON body. */
  readonly row: readonly number[];
  readonly body: string;
}

export interface Workspace {
  readonly plan: Plan;
  readonly scratch: string;
  readonly store: string;
  readonly tiny: BenchModel;
  readonly mlp: BenchModel;
}

/**
 * The tiny model: one worker, one request per run. A batch size above 1 would hold a lone request
 * for `maxBatchDelay`, and a yaml delay of 0 means the 100 ms default, as in TorchServe.
 */
export const tinyServing: ServingConfig = {
  workers: 1,
  batchSize: 1,
  maxBatchDelayMs: 0,
  intraOpThreads: 1,
};

/** The tiny model on an inline worker: no thread hop per request. */
export const tinyInlineServing: ServingConfig = { ...tinyServing, inline: true };

/** The tiny model set up for throughput: whatever arrives within 1 ms shares one run. */
export const tinyBatchedServing: ServingConfig = {
  ...tinyServing,
  batchSize: 16,
  maxBatchDelayMs: 1,
};

/** Batching as above, on an inline worker: the tiny model's setup for throughput. */
export const tinyInlineBatchedServing: ServingConfig = { ...tinyBatchedServing, inline: true };

/** The MLP with dynamic batching; workers × intra-op threads = the 2 cores. */
export const batchedServing: ServingConfig = {
  workers: 2,
  batchSize: 32,
  maxBatchDelayMs: 5,
  intraOpThreads: 1,
};

/**
 * Clients that send several items per request, in binary: 8 requests of 32 rows make runs of 256
 * rows, where the raw runtime is near its best on two cores.
 */
export const clientBatchedServing: ServingConfig = {
  ...batchedServing,
  batchSize: 8,
};

/** Rows per request for `clientBatchedServing`. */
export const itemsPerClientBatch = 32;

/** The same workers and threads, one item per run. */
export const unbatchedServing: ServingConfig = {
  ...batchedServing,
  batchSize: 1,
  maxBatchDelayMs: 0,
};

function save(model: BuiltModel, path: string): BenchModel {
  writeFileSync(path, model.onnx);
  const { inputName, width, weightBytes } = model;
  const row = sampleRow(width);
  const body = JSON.stringify({ [inputName]: [row] });
  return { path, inputName, width, weightBytes, row, body };
}

/** Generates the models into `scratch` and packs them into its model store. */
export async function prepareWorkspace(plan: Plan, scratch: string): Promise<Workspace> {
  const store = join(scratch, 'store');
  mkdirSync(store);
  const tiny = save(tinyModel(), join(scratch, 'tiny.onnx'));
  const mlp = save(mlpModel(plan.mlpWidths), join(scratch, 'mlp.onnx'));
  const pack = (name: string, model: BenchModel, config: ServingConfig) =>
    packModel({ name, onnxPath: model.path, config, store, scratch });
  await Promise.all([
    pack('tiny', tiny, tinyServing),
    pack('tiny_batched', tiny, tinyBatchedServing),
    pack('tiny_inline', tiny, tinyInlineServing),
    pack('tiny_inline_batched', tiny, tinyInlineBatchedServing),
    pack('mlp_batched', mlp, batchedServing),
    pack('mlp_unbatched', mlp, unbatchedServing),
    pack('mlp_client_batched', mlp, clientBatchedServing),
  ]);
  return { plan, scratch, store, tiny, mlp };
}
