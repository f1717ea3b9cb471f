import type { TensorInfo } from '../../engine/index.js';
import { ServeError } from '../../errors/index.js';
import { datatypeOf, type HandlerRequest } from '../../handlers/index.js';
import type { ModelRegistry, ModelVersion } from '../../registry/index.js';
import type { Reply, RequestContext, Route } from '../../server/route.js';
import { predict, submit } from './predictions.js';

function isReady(model: ModelVersion): boolean {
  return model.workers().some((worker) => worker.status === 'READY');
}

/** KServe v1: `{"instances": [...]}` in, `{"predictions": [...]}` out. */
async function v1Predict(
  registry: ModelRegistry,
  context: RequestContext,
  explain: boolean,
): Promise<Reply> {
  const model = registry.get(context.params.model_name ?? '');
  let document: unknown;
  try {
    document = JSON.parse((await context.readBody()).toString('utf8'));
  } catch {
    throw new ServeError(
      'BadRequestException',
      'The request body must be JSON: {"instances": [...]}.',
    );
  }
  const instances = (document as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(instances)) {
    throw new ServeError('BadRequestException', 'The request body needs an "instances" array.');
  }
  const inputs = model.signature()?.inputs ?? [];
  const only = model.handlerName === 'tensor' && inputs.length === 1 ? inputs[0]?.name : undefined;
  const body = JSON.stringify(only === undefined ? instances : { [only]: instances });
  const request: HandlerRequest = {
    requestId: context.requestId,
    inputs: [{ name: 'body', data: Buffer.from(body), contentType: 'application/json' }],
    headers: {},
  };
  if (explain) request.explain = true;
  const reply = await submit(context, model, request);
  const answer: unknown = JSON.parse(String(reply.body ?? 'null'));
  const outputs = (answer as { outputs?: { data: unknown[]; shape: number[] }[] } | null)?.outputs;
  const predictions = outputs?.[0] === undefined ? answer : nest(outputs[0].data, outputs[0].shape);
  return {
    json: {
      [explain ? 'explanations' : 'predictions']: Array.isArray(predictions)
        ? predictions
        : [predictions],
    },
  };
}

/** Flat data back into nested arrays of `shape`. */
function nest(data: readonly unknown[], shape: readonly number[]): unknown {
  if (shape.length <= 1) return [...data];
  const [, ...inner] = shape;
  const size = inner.reduce((product, dim) => product * dim, 1);
  return Array.from({ length: shape[0] ?? 0 }, (_, row) =>
    nest(data.slice(row * size, (row + 1) * size), inner),
  );
}

function v2Metadata(registry: ModelRegistry, context: RequestContext): Reply {
  const name = context.params.model_name ?? '';
  const model = registry.get(name, context.params.model_version);
  const signature = model.signature();
  const tensors = (list: readonly TensorInfo[]) =>
    list.map((tensor) => ({
      name: tensor.name,
      datatype: datatypeOf(tensor.type),
      shape: tensor.shape.map((dim) => (typeof dim === 'number' ? dim : -1)),
    }));
  return {
    json: {
      name,
      versions: registry.versions(name).map((version) => version.version),
      platform: 'onnxruntime_onnx',
      inputs: tensors(signature?.inputs ?? []),
      outputs: tensors(signature?.outputs ?? []),
    },
  };
}

/** KServe v1 and v2 (Open Inference Protocol) routes over the registered models. */
export function kserveRoutes(registry: ModelRegistry, serverVersion: string): Route[] {
  const inference = {
    apis: ['inference'],
    access: 'inference',
    consumes: 'application/json',
  } as const;
  const v2Infer = (explain: boolean) => (context: RequestContext) =>
    predict(context, {
      model: registry.get(context.params.model_name ?? '', context.params.model_version),
      explain,
    });
  const ready = (context: RequestContext): Reply => {
    const name = context.params.model_name ?? '';
    return { json: { name, ready: isReady(registry.get(name, context.params.model_version)) } };
  };
  return [
    {
      ...inference,
      path: '/v1/models/{model_name}:predict',
      methods: ['POST'],
      summary: 'KServe v1 predict.',
      handle: (c) => v1Predict(registry, c, false),
    },
    {
      ...inference,
      path: '/v1/models/{model_name}:explain',
      methods: ['POST'],
      summary: 'KServe v1 explain.',
      handle: (c) => v1Predict(registry, c, true),
    },
    {
      apis: ['management'],
      access: 'management',
      path: '/v1/models/{model_name}',
      methods: ['GET'],
      summary: 'KServe v1 model readiness.',
      handle: ready,
    },
    {
      ...inference,
      path: '/v2',
      methods: ['GET'],
      summary: 'Server metadata (Open Inference Protocol).',
      // The `tensor` handler reads and writes the binary tensor data extension.
      handle: () => ({
        json: { name: 'onnxserve', version: serverVersion, extensions: ['binary_tensor_data'] },
      }),
    },
    {
      ...inference,
      path: '/v2/models/{model_name}',
      methods: ['GET'],
      summary: 'Model metadata.',
      handle: (c) => v2Metadata(registry, c),
    },
    {
      ...inference,
      path: '/v2/models/{model_name}/versions/{model_version}',
      methods: ['GET'],
      summary: 'Model version metadata.',
      handle: (c) => v2Metadata(registry, c),
    },
    {
      ...inference,
      path: '/v2/models/{model_name}/ready',
      methods: ['GET'],
      summary: 'Model readiness.',
      handle: ready,
    },
    {
      ...inference,
      path: '/v2/models/{model_name}/versions/{model_version}/ready',
      methods: ['GET'],
      summary: 'Model version readiness.',
      handle: ready,
    },
    {
      ...inference,
      path: '/v2/models/{model_name}/infer',
      methods: ['POST'],
      summary: 'Inference (Open Inference Protocol).',
      handle: v2Infer(false),
    },
    {
      ...inference,
      path: '/v2/models/{model_name}/versions/{model_version}/infer',
      methods: ['POST'],
      summary: 'Inference on a version.',
      handle: v2Infer(false),
    },
    {
      ...inference,
      path: '/v2/models/{model_name}/explain',
      methods: ['POST'],
      summary: 'Explanation (Open Inference Protocol).',
      handle: v2Infer(true),
    },
  ];
}
