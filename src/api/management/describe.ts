import type { ModelVersion } from '../../registry/index.js';

/** One element of TorchServe's describe-model array, fields in its order. */
export function describeModel(model: ModelVersion): Record<string, unknown> {
  const { settings } = model;
  return {
    modelName: model.name,
    modelVersion: model.version,
    modelUrl: model.url,
    runtime: 'onnx',
    minWorkers: settings.minWorkers,
    maxWorkers: settings.maxWorkers,
    batchSize: settings.batchSize,
    maxBatchDelay: settings.maxBatchDelay,
    responseTimeout: settings.responseTimeout,
    startupTimeout: settings.startupTimeout,
    parallelType: '',
    deviceType: 'cpu',
    loadedAtStartup: model.loadedAtStartup,
    workers: model.workers(),
    jobQueueStatus: model.queueStatus(),
  };
}

const PAGE_LIMIT = 100;

/** TorchServe's paging: bad or out-of-range numbers fall back to the defaults. */
export function parsePaging(query: URLSearchParams): { start: number; limit: number } {
  const limitText = query.get('limit');
  const tokenText = query.get('next_page_token');
  let limit = limitText !== null && /^-?\d+$/.test(limitText) ? Number(limitText) : PAGE_LIMIT;
  if (limit > PAGE_LIMIT || limit < 0) limit = PAGE_LIMIT;
  const token = tokenText !== null && /^-?\d+$/.test(tokenText) ? Number(tokenText) : 0;
  return { start: Math.max(0, token), limit };
}
