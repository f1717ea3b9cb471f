import type { ModelManager, Outcome } from '../../models/index.js';
import type { ModelRegistry } from '../../registry/index.js';
import { describeModel, parsePaging } from './describe.js';
import { integerParam, type Params } from './register-params.js';

// The management operations without HTTP: the REST routes and gRPC both answer through these.

/** The list body: default versions by name, one page (`limit`, `next_page_token`). */
export function modelList(registry: ModelRegistry, query: URLSearchParams): unknown {
  const { start, limit } = parsePaging(query);
  const models = registry.defaults();
  const body: Record<string, unknown> = {};
  if (start + limit < models.length) body.nextPageToken = String(start + limit);
  body.models = models
    .slice(start, start + limit)
    .map((model) => ({ modelName: model.name, modelUrl: model.url }));
  return body;
}

/**
 * The describe body: one version (the default when `version` is undefined) or every version for
 * `all`. With `customized` (not for `all`) the handler's own metadata joins the description.
 */
export async function describeVersions(
  registry: ModelRegistry,
  name: string,
  version: string | undefined,
  customized: boolean,
): Promise<unknown[]> {
  if (version === 'all') return registry.versions(name).map(describeModel);
  const model = registry.get(name, version);
  const description = describeModel(model);
  if (customized) description.customizedMetadata = await model.customizedMetadata();
  return [description];
}

/** Scales a version: min_worker defaults to 1, max_worker to min_worker. */
export function scaleWorkers(
  manager: ModelManager,
  name: string,
  version: string | undefined,
  get: Params,
): Promise<Outcome> {
  const min = integerParam(get('min_worker')) ?? 1;
  const max = integerParam(get('max_worker')) ?? min;
  const synchronous = get('synchronous')?.toLowerCase() === 'true';
  return manager.scale(name, version, min, max, synchronous);
}
