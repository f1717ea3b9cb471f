import type { TensorInfo } from '../../engine/index.js';
import { booleanOption, numbersOption, sizeOption, type HandlerConfig } from './config-values.js';

/** How an uploaded image becomes the model input; `null` skips the step. */
export interface ImageOptions {
  /** The shorter side after resizing, keeping the aspect ratio. */
  readonly resize: number | null;
  /** The side of the central square cut after resizing. */
  readonly crop: number | null;
  readonly grayscale: boolean;
  /** Per channel, or one value for every channel, applied to pixel / 255. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly softmax: boolean;
  readonly topk: number;
  /** The most pixels an uploaded image may have; larger ones are refused before decoding. */
  readonly maxPixels: number;
}

/** torchvision's ImageNet transform: Resize(256), CenterCrop(224), ToTensor, Normalize. */
const defaults = {
  resize: 256,
  crop: 224,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  topk: 5,
  maxPixels: 40_000_000,
};

/** Reads the `handler:` keys documented in `examples/digits/README.md`, plus `max_pixels`. */
export function readImageOptions(config: HandlerConfig): ImageOptions {
  const grayscale = booleanOption(config, 'grayscale', false);
  const channels = grayscale ? 1 : 3;
  const options: ImageOptions = {
    resize: sizeOption(config, 'resize', defaults.resize),
    crop: sizeOption(config, 'crop', defaults.crop),
    grayscale,
    mean: perChannel(numbersOption(config, 'mean', defaults.mean), 'mean', channels),
    std: perChannel(numbersOption(config, 'std', defaults.std), 'std', channels),
    softmax: booleanOption(config, 'softmax', true),
    topk: sizeOption(config, 'topk', defaults.topk) ?? Infinity,
    maxPixels: sizeOption(config, 'max_pixels', defaults.maxPixels) ?? Infinity,
  };
  if (options.std.some((value) => value === 0)) throw new RangeError('handler.std must not be 0.');
  if (options.resize !== null && options.crop !== null && options.crop > options.resize) {
    throw new RangeError(
      `handler.crop (${options.crop}) must not exceed handler.resize (${options.resize}).`,
    );
  }
  return options;
}

function perChannel(values: readonly number[], key: string, channels: number): readonly number[] {
  if (values.length === channels) return values;
  if (values.length === 1) return new Array<number>(channels).fill(values[0] ?? 0);
  const wanted =
    channels === 1 ? '1 value for grayscale images' : `1 or ${channels} values for RGB images`;
  throw new RangeError(`handler.${key} needs ${wanted}, got ${values.length}.`);
}

/** The model must take one float32 `[batch, channels, height, width]` input fitting the options. */
export function checkImageModel(inputs: readonly TensorInfo[], options: ImageOptions): TensorInfo {
  const [input] = inputs;
  if (input === undefined || inputs.length !== 1 || input.type !== 'float32') {
    throw new TypeError('The image_classifier handler needs a model with one float32 input.');
  }
  if (input.shape.length === 0) return input;
  const [, channels, height, width] = input.shape;
  if (input.shape.length !== 4) {
    throw new RangeError(
      `The image_classifier handler needs a [batch, channels, height, width] input; '${input.name}' has [${input.shape.join(', ')}].`,
    );
  }
  const wanted = options.grayscale ? 1 : 3;
  if (typeof channels === 'number' && channels >= 0 && channels !== wanted) {
    throw new RangeError(
      `Input '${input.name}' takes ${channels} channels but handler.grayscale gives ${wanted}.`,
    );
  }
  checkSide(input.name, height, options.crop);
  checkSide(input.name, width, options.crop);
  return input;
}

function checkSide(name: string, side: number | string | undefined, crop: number | null): void {
  if (crop === null || typeof side !== 'number' || side < 0 || side === crop) return;
  throw new RangeError(`Input '${name}' takes ${side}-pixel sides but handler.crop is ${crop}.`);
}
