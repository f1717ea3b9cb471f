import type { TensorInfo } from '../../engine/index.js';
import type {
  Feeds,
  HandlerContext,
  HandlerRequest,
  HandlerResponse,
  StagedHandler,
} from '../handler.js';
import { payloadInputs } from '../inputs.js';
import { jsonResponse } from '../response.js';
import { decodeImage } from './image-decode.js';
import { checkImageModel, readImageOptions, type ImageOptions } from './image-options.js';
import { centerWindow, writeNormalized, type ImageWindow } from './image-tensor.js';
import { readLabels, type Labels } from './labels.js';
import { prettyJson } from './pretty-json.js';
import { rankScores, rowOf, softmax } from './scores.js';

interface ImageModel {
  readonly options: ImageOptions;
  readonly input: TensorInfo;
  readonly labels: Labels;
}

/**
 * The `image_classifier` handler: each `data` (or `body`) part of a request is one image, so
 * several files under one name make a batch within the request. The answer is TorchServe's
 * `{label: probability}` for the top classes, most probable first, or a list of those when the
 * request held more than one image.
 */
export function createImageClassifier(): StagedHandler {
  let model: ImageModel | undefined;
  const ready = (): ImageModel => {
    if (model === undefined) throw new Error('The image_classifier handler is not initialized.');
    return model;
  };
  return {
    async initialize(context) {
      const options = readImageOptions(context.config);
      const input = checkImageModel(context.inputs, options);
      const labels = (await readLabels(context.modelDir)) ?? String;
      model = { options, input, labels };
    },
    preprocess: async (request) => imageFeeds(request, ready()),
    postprocess: (outputs, request, context) => classify(outputs, request, context, ready()),
  };
}

async function imageFeeds(request: HandlerRequest, model: ImageModel): Promise<Feeds> {
  const inputs = payloadInputs(request);
  const images = await Promise.all(inputs.map((input) => decodeImage(input, model.options)));
  const windows = images.map((image, index) =>
    centerWindow(image, model.options.crop, inputs[index]?.name ?? 'data'),
  );
  const [first] = images;
  const [window] = windows;
  if (first === undefined || window === undefined) throw new TypeError('The request has no image.');
  checkSameSize(windows, inputs[0]?.name ?? 'data');
  const imageSize = first.channels * window.height * window.width;
  const data = new Float32Array(images.length * imageSize);
  images.forEach((image, index) =>
    writeNormalized(image, windows[index] ?? window, model.options, data, index * imageSize),
  );
  const dims = [images.length, first.channels, window.height, window.width];
  return { [model.input.name]: { type: 'float32', dims, data } };
}

/** Without a crop, images keep their resized size, and one request's images share one tensor. */
function checkSameSize(windows: readonly ImageWindow[], name: string): void {
  const [first] = windows;
  const other = windows.find((w) => w.height !== first?.height || w.width !== first.width);
  if (first !== undefined && other !== undefined) {
    throw new RangeError(
      `Images in input '${name}' must come out the same size; got ${first.width}×${first.height} and ${other.width}×${other.height}.`,
    );
  }
}

function classify(
  outputs: Feeds,
  request: HandlerRequest,
  context: HandlerContext,
  model: ImageModel,
): HandlerResponse {
  const name = context.outputs[0]?.name ?? '';
  const scores = outputs[name];
  if (scores === undefined || scores.type !== 'float32') {
    throw new Error(`The model gave no float32 output '${name}' to classify.`);
  }
  const rows = scores.dims[0] ?? 1;
  const width = rows === 0 ? 0 : scores.data.length / rows;
  const ranked = Array.from({ length: rows }, (_, row) => {
    const values = rowOf(scores.data, row, width);
    const probabilities = model.options.softmax ? softmax(values) : values;
    return rankScores(probabilities, model.labels, model.options.topk);
  });
  const single = payloadInputs(request).length === 1 && ranked.length === 1;
  return jsonResponse(prettyJson(single ? (ranked[0] ?? new Map()) : ranked));
}
