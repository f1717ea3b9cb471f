import type { Tensor, TensorInfo } from '../../engine/index.js';
import { jsonString } from '../../json-string.js';
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
import { tensorDataJson } from './tensor-values.js';

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
      const json = responseJson(outputs, request, context, tensorRequest, binary);
      return binary.length === 0 ? jsonResponse(json) : binaryResponse(json, binary);
    },
  };
}

/**
 * The response's JSON text, written directly (names and ids by `jsonString`, tensors by
 * `tensorDataJson`); the data of outputs answered in binary goes to `binary`, in order.
 */
function responseJson(
  outputs: Feeds,
  request: HandlerRequest,
  context: HandlerContext,
  tensorRequest: TensorRequest | undefined,
  binary: Uint8Array[],
): string {
  const wanted = tensorRequest?.outputs;
  const inBinary = tensorRequest?.binaryOutputs ?? noBinaryOutputs;
  const items: string[] = [];
  for (const { name } of context.outputs) {
    const tensor = outputs[name];
    if (tensor === undefined || (wanted !== undefined && !wanted.includes(name))) continue;
    items.push(outputJson(name, tensor, isBinaryOutput(inBinary, name) ? binary : undefined));
  }
  const model = `"model_name":${jsonString(context.modelName)}`;
  const version = `"model_version":${jsonString(context.modelVersion)}`;
  const id = `"id":${jsonString(tensorRequest?.id ?? request.requestId)}`;
  return `{${model},${version},${id},"outputs":[${items.join(',')}]}`;
}

function outputJson(name: string, tensor: Tensor, binary: Uint8Array[] | undefined): string {
  const head = `"name":${jsonString(name)},"shape":[${tensor.dims.join(',')}]`;
  const datatype = `"datatype":"${datatypeOf(tensor.type)}"`;
  if (binary === undefined) return `{${head},${datatype},"data":${tensorDataJson(tensor)}}`;
  const bytes = toBinaryData(tensor);
  binary.push(bytes);
  return `{${head},${datatype},"parameters":{"binary_data_size":${bytes.byteLength}}}`;
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
