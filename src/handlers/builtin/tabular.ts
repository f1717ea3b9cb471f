import type { Tensor, TensorInfo } from '../../engine/index.js';
import type { Feeds, HandlerInput, HandlerRequest, StagedHandler } from '../handler.js';
import { payloadInputs, readJson, readText } from '../inputs.js';
import { jsonResponse } from '../response.js';
import { booleanOption, namesOption, sizeOption } from './config-values.js';
import { readLabels, type Labels } from './labels.js';
import { prettyJson, type OrderedJson } from './pretty-json.js';
import { rankScores, softmax } from './scores.js';
import { csvRows, jsonRows, type TabularRows } from './tabular-rows.js';
import { fromTensorData } from './tensor-values.js';

interface TabularModel {
  readonly input: TensorInfo;
  readonly names: readonly string[] | undefined;
  /** Features per row: the model's fixed width, else the number of names, else any. */
  readonly features: number | undefined;
  readonly labels: Labels | undefined;
  readonly softmax: boolean;
  readonly topk: number | undefined;
}

/**
 * The `tabular` handler: numeric feature vectors as JSON or CSV (`text/csv`) into a float
 * `[rows, features]` input. Each row's answer is `{label: probability}` by `index_to_name.json`,
 * most probable first, or the raw output row when the model has no labels.
 */
export function createTabularHandler(): StagedHandler {
  let model: TabularModel | undefined;
  // Whether a request sent one vector, for postprocess to answer with one value.
  const single = new WeakMap<HandlerRequest, boolean>();
  const ready = (): TabularModel => {
    if (model === undefined) throw new Error('The tabular handler is not initialized.');
    return model;
  };
  return {
    async initialize(context) {
      const names = namesOption(context.config, 'feature_names');
      const input = tabularInput(context.inputs);
      const features = featureCount(input, names);
      const labels = await readLabels(context.modelDir);
      const topk = sizeOption(context.config, 'topk', null) ?? undefined;
      const useSoftmax = booleanOption(context.config, 'softmax', false);
      model = { input, names, features, labels, softmax: useSoftmax, topk };
    },
    preprocess(request) {
      const current = ready();
      const parts = payloadInputs(request).map((input) => readRows(input, current));
      single.set(request, parts.length === 1 && parts[0]?.single === true);
      return rowFeeds(parts, current, payloadInputs(request)[0]?.name ?? 'body');
    },
    postprocess(outputs, request, context) {
      const answers = answerRows(outputs[context.outputs[0]?.name ?? ''], ready());
      const one = single.get(request) === true && answers.length === 1;
      single.delete(request);
      return jsonResponse(prettyJson(one ? (answers[0] ?? null) : answers));
    },
  };
}

function tabularInput(inputs: readonly TensorInfo[]): TensorInfo {
  const [input] = inputs;
  const numeric = input?.type === 'float32' || input?.type === 'float64';
  if (input === undefined || inputs.length !== 1 || !numeric) {
    throw new TypeError('The tabular handler needs a model with one float32 or float64 input.');
  }
  if (input.shape.length !== 0 && input.shape.length !== 2) {
    throw new RangeError(
      `The tabular handler needs a [batch, features] input; '${input.name}' has [${input.shape.join(', ')}].`,
    );
  }
  return input;
}

function featureCount(input: TensorInfo, names: readonly string[] | undefined): number | undefined {
  const width = input.shape[1];
  const fixed = typeof width === 'number' && width >= 0 ? width : undefined;
  if (fixed !== undefined && names !== undefined && names.length !== fixed) {
    throw new RangeError(
      `handler.feature_names lists ${names.length} features but input '${input.name}' takes ${fixed}.`,
    );
  }
  return fixed ?? names?.length;
}

function readRows(input: HandlerInput, model: TabularModel): TabularRows {
  const csv =
    /\btext\/csv\b/i.test(input.contentType ?? '') || /\.csv$/i.test(input.fileName ?? '');
  return csv
    ? csvRows(readText(input), model.names, input.name)
    : jsonRows(readJson(input), model.names, input.name);
}

function rowFeeds(parts: readonly TabularRows[], model: TabularModel, source: string): Feeds {
  const rows = parts.flatMap((part) => part.rows);
  const width = model.features ?? rows[0]?.length ?? 0;
  rows.forEach((row, index) => {
    if (row.length !== width) {
      const named = model.names === undefined ? '' : ` (${model.names.join(', ')})`;
      throw new RangeError(
        `Row ${index + 1} of input '${source}' has ${row.length} features; the model expects ${width}${named}.`,
      );
    }
  });
  const flat = rows.flat();
  const data = model.input.type === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat);
  const tensor = { type: model.input.type, dims: [rows.length, width], data } as Tensor;
  return { [model.input.name]: tensor };
}

function answerRows(output: Tensor | undefined, model: TabularModel): OrderedJson[] {
  if (output === undefined) throw new Error('The model gave no output to answer with.');
  const values = fromTensorData(output);
  const rows = output.dims[0] ?? 1;
  const width = rows === 0 ? 0 : values.length / rows;
  return Array.from({ length: rows }, (_, row) => {
    const slice = values.slice(row * width, (row + 1) * width);
    if (output.dims.length === 1) return slice[0] ?? null;
    if (!slice.every((value) => typeof value === 'number')) return slice;
    const scores = model.softmax ? softmax(slice) : slice;
    return model.labels === undefined ? scores : rankScores(scores, model.labels, model.topk);
  });
}
