import { errorSchema } from '../description.js';
import type { TensorInfo } from '../../engine/index.js';
import type { ModelVersion } from '../../registry/index.js';

function tensors(list: readonly TensorInfo[] | undefined) {
  return (list ?? []).map((tensor) => ({
    name: tensor.name,
    datatype: tensor.type,
    shape: tensor.shape,
  }));
}

const errorEnvelope = {
  description: 'The error envelope.',
  content: {
    'application/json': {
      schema: errorSchema,
    },
  },
};

/** `OPTIONS /predictions/{model}`: an OpenAPI 3 document of that model's prediction route. */
export function describeModelApi(
  model: Pick<ModelVersion, 'name' | 'version' | 'signature'>,
): Record<string, unknown> {
  const signature = model.signature();
  const operation = {
    operationId: 'predict',
    summary: `Predict with ${model.name} ${model.version}.`,
    requestBody: { content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
    responses: {
      '200': {
        description: 'The handler output.',
        content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
      },
      default: errorEnvelope,
    },
    'x-model-inputs': tensors(signature?.inputs),
    'x-model-outputs': tensors(signature?.outputs),
  };
  return {
    openapi: '3.0.1',
    info: { title: `Model ${model.name}`, version: model.version },
    paths: { [`/predictions/${model.name}`]: { post: operation } },
  };
}
