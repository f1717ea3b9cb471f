import type { ModelVersion } from '../../registry/index.js';

/** `OPTIONS /predictions/{model}`: an OpenAPI 3 document of that model's prediction route. */
export function describeModelApi(model: ModelVersion): Record<string, unknown> {
  const signature = model.signature();
  const tensors = (
    list:
      readonly { name: string; type: string; shape: readonly (number | string)[] }[] | undefined,
  ) =>
    (list ?? []).map((tensor) => ({
      name: tensor.name,
      datatype: tensor.type,
      shape: tensor.shape,
    }));
  return {
    openapi: '3.0.1',
    info: { title: `Model ${model.name}`, version: model.version },
    paths: {
      [`/predictions/${model.name}`]: {
        post: {
          summary: `Predict with ${model.name} ${model.version}.`,
          requestBody: { content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
          responses: { '200': { description: 'The handler output.' } },
          'x-model-inputs': tensors(signature?.inputs),
          'x-model-outputs': tensors(signature?.outputs),
        },
      },
    },
  };
}
