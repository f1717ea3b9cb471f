import type { DecodedImage } from './image-decode.js';

export interface ImageWindow {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** torchvision's CenterCrop window; Python rounds halves to even, and so does this. */
export function centerWindow(image: DecodedImage, crop: number | null, name: string): ImageWindow {
  if (crop === null) return { top: 0, left: 0, height: image.height, width: image.width };
  if (crop > image.height || crop > image.width) {
    throw new RangeError(
      `Input '${name}' is ${image.width}×${image.height} pixels after resizing, smaller than the ${crop}-pixel crop.`,
    );
  }
  const top = roundHalfEven((image.height - crop) / 2);
  const left = roundHalfEven((image.width - crop) / 2);
  return { top, left, height: crop, width: crop };
}

/**
 * Writes `(pixel / 255 - mean) / std` of the window, channel by channel (CHW), into `target` from
 * `offset`.
 */
export function writeNormalized(
  image: DecodedImage,
  window: ImageWindow,
  normalize: { readonly mean: readonly number[]; readonly std: readonly number[] },
  target: Float32Array,
  offset: number,
): void {
  const { pixels, width: stride, channels } = image;
  const plane = window.height * window.width;
  for (let channel = 0; channel < channels; channel++) {
    const mean = normalize.mean[channel] ?? 0;
    const std = normalize.std[channel] ?? 1;
    const base = offset + channel * plane;
    for (let y = 0; y < window.height; y++) {
      const row = ((window.top + y) * stride + window.left) * channels + channel;
      for (let x = 0; x < window.width; x++) {
        const pixel = pixels[row + x * channels] ?? 0;
        target[base + y * window.width + x] = (pixel / 255 - mean) / std;
      }
    }
  }
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}
