import type { CancelSignal } from '../../batching/index.js';
import type { HandlerRequest } from '../../handlers/index.js';
import type { ModelRegistry, ModelVersion } from '../../registry/index.js';
import type { Reply, RequestContext, Route } from '../../server/route.js';
import { decodeRequest } from './decode.js';
import { describeModelApi } from './model-description.js';
import { asClientError, toReply } from './respond.js';

interface Target {
  readonly model: ModelVersion;
  readonly explain: boolean;
  readonly urlPath?: string | undefined;
}

/** Runs one request through its model's queue, workers and handler. */
export async function predict(context: RequestContext, target: Target): Promise<Reply> {
  const request = await decodeRequest(context, {
    explain: target.explain,
    urlPath: target.urlPath,
  });
  return submit(context, target.model, request);
}

/** Submits a decoded request; input errors become 400s. */
export function submit(
  context: RequestContext,
  model: ModelVersion,
  request: HandlerRequest,
): Promise<Reply> {
  return runPrediction(model, request, context.clientSignal(), context.params.model_version);
}

/**
 * The transport-neutral part of a prediction: queue, run, and the handler's answer as a reply.
 * `requestedVersion` is the version the client named, if any; input errors become 400s.
 */
export async function runPrediction(
  model: ModelVersion,
  request: HandlerRequest,
  signal: CancelSignal,
  requestedVersion: string | undefined,
): Promise<Reply> {
  try {
    return toReply(await model.predict(request, signal, requestedVersion));
  } catch (error: unknown) {
    throw asClientError(error);
  }
}

function predictionHandler(registry: ModelRegistry, explain: boolean): Route['handle'] {
  return (context) => {
    const { model_name: name = '', model_version: version, rest } = context.params;
    const model = registry.get(name, version);
    if (context.method === 'OPTIONS') return { json: describeModelApi(model) };
    return predict(context, { model, explain, urlPath: rest });
  };
}

/** `/invocations?model_name=M`: without a name, the only registered model, if there is one. */
function invocation(registry: ModelRegistry): Route['handle'] {
  return (context) => {
    const name = context.query.get('model_name') ?? soleModel(registry) ?? '';
    return predict(context, { model: registry.get(name), explain: false });
  };
}

function soleModel(registry: ModelRegistry): string | undefined {
  const models = registry.defaults();
  return models.length === 1 ? models[0]?.name : undefined;
}

/** TorchServe's prediction routes: any method, versions, extra segments, legacy aliases. */
export function predictionRoutes(registry: ModelRegistry): Route[] {
  const common = {
    apis: ['inference'],
    access: 'inference',
    methods: 'ANY',
    consumes: '*/*',
    produces: '*/*',
  } as const;
  const predictions = predictionHandler(registry, false);
  const explanations = predictionHandler(registry, true);
  const byModel = (context: RequestContext) =>
    predict(context, {
      model: registry.get(context.params.model_name ?? '', context.params.model_version),
      explain: false,
    });
  return [
    {
      ...common,
      path: '/predictions/{model_name}',
      summary: 'Predict with the default version.',
      handle: predictions,
    },
    {
      ...common,
      path: '/predictions/{model_name}/{model_version}',
      summary: 'Predict with a version.',
      handle: predictions,
    },
    {
      ...common,
      path: '/predictions/{model_name}/{model_version}/{rest*}',
      summary: 'Predict, passing extra path segments.',
      handle: predictions,
    },
    {
      ...common,
      path: '/explanations/{model_name}',
      summary: 'Explain a prediction.',
      handle: explanations,
    },
    {
      ...common,
      path: '/explanations/{model_name}/{model_version}',
      summary: 'Explain with a version.',
      handle: explanations,
    },
    {
      ...common,
      path: '/invocations',
      summary: 'SageMaker-style prediction.',
      handle: invocation(registry),
    },
    {
      ...common,
      path: '/models/{model_name}/invoke',
      summary: 'SageMaker-style prediction.',
      handle: byModel,
    },
    {
      ...common,
      path: '/{model_name}/predict',
      summary: 'Legacy prediction route.',
      handle: byModel,
    },
    {
      ...common,
      path: '/{model_name}/{model_version}/predict',
      summary: 'Legacy prediction route with a version.',
      handle: byModel,
    },
  ];
}
