import type { ModelManager, Outcome } from '../../models/index.js';
import type { ModelRegistry } from '../../registry/index.js';
import type { Reply, RequestContext, Route } from '../../server/route.js';
import { describeVersions, modelList, scaleWorkers } from './operations.js';
import { parseRegisterRequest } from './register-params.js';

function reply(outcome: Outcome): Reply {
  return { status: outcome.code, json: { status: outcome.status } };
}

function listModels(registry: ModelRegistry, context: RequestContext): Reply {
  return { json: modelList(registry, context.query) };
}

async function describe(registry: ModelRegistry, context: RequestContext): Promise<Reply> {
  const { model_name: name = '', model_version: version } = context.params;
  const customized = context.query.get('customized')?.toLowerCase() === 'true';
  return { json: await describeVersions(registry, name, version, customized) };
}

/** `PUT /models/{m}[/{v}]`; the version may also come as `model_version` in the query. */
function scale(manager: ModelManager, context: RequestContext): Promise<Outcome> {
  const { model_name: name = '', model_version: pathVersion } = context.params;
  const version = pathVersion ?? context.query.get('model_version') ?? undefined;
  return scaleWorkers(manager, name, version, (key) => context.query.get(key) ?? undefined);
}

/** TorchServe's management API (§5 of the reference), over the registry and the manager. */
export function managementRoutes(registry: ModelRegistry, manager: ModelManager): Route[] {
  const common = { apis: ['management'], access: 'management' } as const;
  const one = '/models/{model_name}';
  const versioned = '/models/{model_name}/{model_version}';
  const unregister = async (context: RequestContext): Promise<Reply> =>
    reply(await manager.unregister(context.params.model_name ?? '', context.params.model_version));
  const register = async (context: RequestContext): Promise<Reply> =>
    reply(await manager.register(await parseRegisterRequest(context)));
  const rescale = async (context: RequestContext): Promise<Reply> =>
    reply(await scale(manager, context));

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
      handle: register,
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
    { ...common, path: one, methods: ['PUT'], summary: 'Scale workers.', handle: rescale },
    {
      ...common,
      path: versioned,
      methods: ['PUT'],
      summary: 'Scale workers of a version.',
      handle: rescale,
    },
    {
      ...common,
      path: one,
      methods: ['DELETE'],
      modelApi: true,
      summary: 'Unregister a model.',
      handle: unregister,
    },
    {
      ...common,
      path: versioned,
      methods: ['DELETE'],
      modelApi: true,
      summary: 'Unregister a version.',
      handle: unregister,
    },
    {
      ...common,
      path: `${versioned}/set-default`,
      methods: ['PUT'],
      summary: 'Set the default version.',
      handle: (c) =>
        reply(manager.setDefault(c.params.model_name ?? '', c.params.model_version ?? '')),
    },
  ];
}
