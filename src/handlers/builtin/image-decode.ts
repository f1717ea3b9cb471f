import sharp, { type Metadata } from 'sharp';
import type { HandlerInput } from '../handler.js';
import { messageOf } from '../errors.js';
import type { ImageOptions } from './image-options.js';

/** 8-bit pixels, row by row, `channels` values per pixel. */
export interface DecodedImage {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

const formats = ['jpeg', 'png', 'webp'];

/**
 * Decodes a JPEG, PNG or WebP upload, resized so that its shorter side is `options.resize`, into
 * three RGB channels without alpha, or one gray channel. Bytes that are no such image, or an
 * image larger than `options.maxPixels`, are the client's error.
 */
export async function decodeImage(
  input: HandlerInput,
  options: ImageOptions,
): Promise<DecodedImage> {
  const { width, height } = await checkHeader(input, options.maxPixels);
  let image = sharp(input.data, { limitInputPixels: options.maxPixels }).removeAlpha();
  const size = resizedSize(width, height, options.resize);
  if (size.width !== width || size.height !== height) {
    image = image.resize({ ...size, fit: 'fill', kernel: 'linear' });
  }
  try {
    const { data, info } = await image
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rgb = { pixels: data, width: info.width, height: info.height, channels: info.channels };
    return options.grayscale ? toGray(rgb) : rgb;
  } catch (error: unknown) {
    throw new TypeError(`Input '${input.name}' could not be decoded: ${messageOf(error)}.`);
  }
}

/**
 * PIL's `convert('L')`, which torchvision's Grayscale uses: ITU-R 601 luma in 16-bit fixed point.
 * A gray image comes out unchanged; libvips' own gray conversion weighs colours differently.
 */
function toGray(image: DecodedImage): DecodedImage {
  const { pixels, width, height } = image;
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const red = pixels[i * 3] ?? 0;
    const green = pixels[i * 3 + 1] ?? 0;
    const blue = pixels[i * 3 + 2] ?? 0;
    gray[i] = (red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16;
  }
  return { pixels: gray, width, height, channels: 1 };
}

async function checkHeader(
  input: HandlerInput,
  maxPixels: number,
): Promise<{ width: number; height: number }> {
  let metadata: Metadata;
  try {
    // Only the header is read here, so the pixel limit is checked below with a clearer message.
    metadata = await sharp(input.data, { limitInputPixels: false }).metadata();
  } catch (error: unknown) {
    throw new TypeError(
      `Input '${input.name}' must be a JPEG, PNG or WebP image: ${messageOf(error)}.`,
    );
  }
  const { format, width, height } = metadata;
  if (!formats.includes(format)) {
    throw new TypeError(`Input '${input.name}' must be a JPEG, PNG or WebP image, got ${format}.`);
  }
  if (width * height > maxPixels) {
    throw new RangeError(
      `Input '${input.name}' is ${width}×${height} pixels; the limit is ${maxPixels} pixels.`,
    );
  }
  return { width, height };
}

/** torchvision's Resize(size): the shorter side becomes `size`, the longer one is truncated. */
function resizedSize(
  width: number,
  height: number,
  size: number | null,
): { width: number; height: number } {
  if (size === null) return { width, height };
  if (width <= height) return { width: size, height: Math.floor((size * height) / width) };
  return { width: Math.floor((size * width) / height), height: size };
}
