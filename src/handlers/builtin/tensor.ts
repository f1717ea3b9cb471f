import type { TensorInfo } from '../../engine/index.js';
import type { Feeds, HandlerContext, HandlerRequest, StagedHandler } from '../handler.js';
import { payloadInput, readJson } from '../inputs.js';
import { jsonResponse } from '../response.js';
import { datatypeOf } from './kserve-datatypes.js';
import { listNames, parseTensorRequest, type TensorRequest } from './tensor-request.js';
import { fromTensorData } from './tensor-values.js';

/**
 * The `tensor` handler: Open Inference Protocol (KServe v2) JSON in and out. The response lists
 * the model's outputs in the model's order with their real shapes; 64-bit integers beyond 2^53
 * are decimal strings, NaN and infinities the strings "NaN", "Infinity" and "-Infinity".
 */
export function createTensorHandler(): StagedHandler {
  // What preprocess read of a request and postprocess needs again, without parsing twice.
  const parsed = new WeakMap<HandlerRequest, TensorRequest>();
  return {
    preprocess(request, context) {
      const input = payloadInput(request);
      const tensorRequest = parseTensorRequest(readJson(input), context.inputs, input.name);
      checkOutputNames(tensorRequest.outputs, context.outputs);
      parsed.set(request, tensorRequest);
      return tensorRequest.feeds;
    },
    postprocess(outputs, request, context) {
      const tensorRequest = parsed.get(request);
      parsed.delete(request);
      return jsonResponse(JSON.stringify(responseBody(outputs, request, context, tensorRequest)));
    },
  };
}

function responseBody(
  outputs: Feeds,
  request: HandlerRequest,
  context: HandlerContext,
  tensorRequest: TensorRequest | undefined,
): Record<string, unknown> {
  const wanted = tensorRequest?.outputs ?? context.outputs.map((output) => output.name);
  const names = context.outputs
    .map((output) => output.name)
    .filter((name) => wanted.includes(name));
  return {
    model_name: context.modelName,
    model_version: context.modelVersion,
    id: tensorRequest?.id ?? request.requestId,
    outputs: names.flatMap((name) => {
      const tensor = outputs[name];
      if (tensor === undefined) return [];
      const datatype = datatypeOf(tensor.type);
      return [{ name, shape: tensor.dims, datatype, data: fromTensorData(tensor) }];
    }),
  };
}

function checkOutputNames(
  requested: readonly string[] | undefined,
  outputs: readonly TensorInfo[],
) {
  const known = outputs.map((output) => output.name);
  const unknown = requested?.find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new TypeError(`Unknown output '${unknown}'; the model gives ${listNames(known)}.`);
  }
}
