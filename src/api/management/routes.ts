import { ServeError } from '../../errors/index.js';
import type { ModelRegistry } from '../../registry/index.js';
import type { Reply, RequestContext, Route } from '../../server/route.js';
import { describeModel, parsePaging } from './describe.js';

/** What registering and scaling need; supplied by whoever loads models. */
export interface ModelLoader {
  register(context: RequestContext): Promise<Reply>;
  scale(context: RequestContext): Promise<Reply>;
}

function status(message: string, code = 200): Reply {
  return { status: code, json: { status: message } };
}

function listModels(registry: ModelRegistry, context: RequestContext): Reply {
  const { start, limit } = parsePaging(context.query);
  const models = registry.defaults();
  const page = models.slice(start, start + limit);
  const body: Record<string, unknown> = {};
  if (start + limit < models.length) body.nextPageToken = String(start + limit);
  body.models = page.map((model) => ({ modelName: model.name, modelUrl: model.url }));
  return { json: body };
}

function describe(registry: ModelRegistry, context: RequestContext): Reply {
  const { model_name: name = '', model_version: version } = context.params;
  const models = version === 'all' ? registry.versions(name) : [registry.get(name, version)];
  return { json: models.map(describeModel) };
}

async function unregister(
  registry: ModelRegistry,
  context: RequestContext,
  timeoutMs: number,
): Promise<Reply> {
  const { model_name: name = '', model_version: version } = context.params;
  const model = registry.remove(name, version);
  const closed = model.close(timeoutMs).then(() => true);
  const timer = new Promise<boolean>((resolve) =>
    setTimeout(() => resolve(false), timeoutMs + 1000).unref(),
  );
  if (!(await Promise.race([closed, timer]))) {
    throw new ServeError('RequestTimeoutException', `Timed out while cleaning resources: ${name}`);
  }
  return status(`Model "${name}" unregistered`);
}

function setDefault(registry: ModelRegistry, context: RequestContext): Reply {
  const { model_name: name = '', model_version: version = '' } = context.params;
  registry.setDefault(name, version);
  return status(`Default version successfully updated for model "${name}" to "${version}"`);
}

/** TorchServe's management API (§5 of the reference), over the registry. */
export function managementRoutes(
  registry: ModelRegistry,
  loader: ModelLoader,
  unregisterTimeoutMs: number,
): Route[] {
  const common = { apis: ['management'], access: 'management' } as const;
  const one = '/models/{model_name}';
  const versioned = '/models/{model_name}/{model_version}';
  return [
    {
      ...common,
      path: '/models',
      methods: ['GET'],
      summary: 'List models.',
      handle: (c) => listModels(registry, c),
    },
    {
      ...common,
      path: '/models',
      methods: ['POST'],
      modelApi: true,
      summary: 'Register a model.',
      handle: (c) => loader.register(c),
    },
    {
      ...common,
      path: one,
      methods: ['GET'],
      summary: 'Describe a model.',
      handle: (c) => describe(registry, c),
    },
    {
      ...common,
      path: versioned,
      methods: ['GET'],
      summary: 'Describe a model version.',
      handle: (c) => describe(registry, c),
    },
    {
      ...common,
      path: one,
      methods: ['PUT'],
      summary: 'Scale workers.',
      handle: (c) => loader.scale(c),
    },
    {
      ...common,
      path: versioned,
      methods: ['PUT'],
      summary: 'Scale workers of a version.',
      handle: (c) => loader.scale(c),
    },
    {
      ...common,
      path: one,
      methods: ['DELETE'],
      modelApi: true,
      summary: 'Unregister a model.',
      handle: (c) => unregister(registry, c, unregisterTimeoutMs),
    },
    {
      ...common,
      path: versioned,
      methods: ['DELETE'],
      modelApi: true,
      summary: 'Unregister a version.',
      handle: (c) => unregister(registry, c, unregisterTimeoutMs),
    },
    {
      ...common,
      path: `${versioned}/set-default`,
      methods: ['PUT'],
      summary: 'Set the default version.',
      handle: (c) => setDefault(registry, c),
    },
  ];
}
