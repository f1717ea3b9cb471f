import type { Tensor, TensorInfo } from '../../engine/index.js';
import type { Feeds, HandlerContext, HandlerRequest, StagedHandler } from '../handler.js';
import { payloadInput } from '../inputs.js';
import { jsonResponse } from '../response.js';
import { datatypeOf } from './kserve-datatypes.js';
import {
  binaryResponse,
  isBinaryOutput,
  noBinaryOutputs,
  readInferenceBody,
  toBinaryData,
} from './tensor-binary.js';
import { listNames, parseTensorRequest, type TensorRequest } from './tensor-request.js';
import { fromTensorData } from './tensor-values.js';

/**
 * The `tensor` handler: Open Inference Protocol (KServe v2) JSON in and out, with the binary
 * tensor data extension both ways. The response lists the model's outputs in the model's order
 * with their real shapes; 64-bit integers beyond 2^53 are decimal strings, NaN and infinities the
 * strings "NaN", "Infinity" and "-Infinity".
 */
export function createTensorHandler(): StagedHandler {
  // What preprocess read of a request and postprocess needs again, without parsing twice.
  const parsed = new WeakMap<HandlerRequest, TensorRequest>();
  return {
    preprocess(request, context) {
      const input = payloadInput(request);
      const { document, binary } = readInferenceBody(input, request.headers);
      const tensorRequest = parseTensorRequest(document, context.inputs, input.name, binary);
      checkOutputNames(tensorRequest.outputs, context.outputs);
      parsed.set(request, tensorRequest);
      return tensorRequest.feeds;
    },
    postprocess(outputs, request, context) {
      const tensorRequest = parsed.get(request);
      parsed.delete(request);
      const binary: Uint8Array[] = [];
      const body = responseBody(outputs, request, context, tensorRequest, binary);
      return binary.length === 0
        ? jsonResponse(JSON.stringify(body))
        : binaryResponse(body, binary);
    },
  };
}

/** The response's JSON; the data of outputs answered in binary goes to `binary`, in order. */
function responseBody(
  outputs: Feeds,
  request: HandlerRequest,
  context: HandlerContext,
  tensorRequest: TensorRequest | undefined,
  binary: Uint8Array[],
): Record<string, unknown> {
  const wanted = tensorRequest?.outputs ?? context.outputs.map((output) => output.name);
  const inBinary = tensorRequest?.binaryOutputs ?? noBinaryOutputs;
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
      return [outputItem(name, tensor, isBinaryOutput(inBinary, name) ? binary : undefined)];
    }),
  };
}

function outputItem(name: string, tensor: Tensor, binary: Uint8Array[] | undefined): object {
  const { dims: shape } = tensor;
  const datatype = datatypeOf(tensor.type);
  if (binary === undefined) return { name, shape, datatype, data: fromTensorData(tensor) };
  const bytes = toBinaryData(tensor);
  binary.push(bytes);
  return { name, shape, datatype, parameters: { binary_data_size: bytes.byteLength } };
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
