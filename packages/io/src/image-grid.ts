/**
 * From model output to pictures: NHWC float tensors → 8-bit images ({@link tensorToImages}), and a batch
 * tiled into one grid image ({@link imageGrid}) ready for `encodePng`.
 */
import { ShapeError, ValueError } from '@diffuse/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkPixelImage, type PixelImage } from './png.js';

/** Options of {@link tensorToImages}. */
export interface TensorToImagesOptions {
  /** The float range mapped to 0–255, default `[-1, 1]` (diffusion models' data range). Values outside are clipped. */
  valueRange?: readonly [number, number];
}

/**
 * Converts an NHWC float tensor (channels 1, 3 or 4) into one 8-bit image per batch item, as diffusers'
 * `numpy_to_pil` does: `round(clip((x − low) / (high − low), 0, 1) · 255)` (float32, ties to even). NaN becomes 0. Reads the
 * tensor with `await tensor.data()`; does not dispose it.
 *
 * @example
 * const images = await tensorToImages(samples); // samples: [4, 28, 28, 1] in [-1, 1]
 * const png = encodePng(images[0]);
 */
export async function tensorToImages(tensor: Tensor, options: TensorToImagesOptions = {}): Promise<PixelImage[]> {
  const [low, high] = options.valueRange ?? [-1, 1];
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(high > low)) {
    throw new ValueError({
      argument: 'valueRange',
      expected: 'two finite numbers [low, high] with low < high',
      received: options.valueRange,
    });
  }
  if (tensor.shape.length !== 4) {
    throw new ShapeError({
      argument: 'tensor',
      expected: 'a rank-4 tensor [batch, height, width, channels] (NHWC)',
      received: tensor.shape,
    });
  }
  const [batch, height, width, channels] = tensor.shape as [number, number, number, number];
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ShapeError({ argument: 'tensor', expected: 'NHWC with 1, 3 or 4 channels', received: tensor.shape });
  }
  if (height < 1 || width < 1) {
    throw new ShapeError({ argument: 'tensor', expected: 'images of at least 1 × 1 pixel', received: tensor.shape });
  }
  const values = await tensor.data();
  const size = height * width * channels;
  const scale = 1 / (high - low);
  const images: PixelImage[] = [];
  for (let n = 0; n < batch; n++) {
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      // float32 steps and round-half-to-even, as numpy does in diffusers: bit-identical pixels.
      const unit = Math.fround(Math.fround(Number(values[n * size + i]) - low) * scale);
      data[i] = unit > 0 ? roundHalfToEven(Math.fround(Math.min(unit, 1) * 255)) : 0;
    }
    images.push({ width, height, channels, data });
  }
  return images;
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions extends TensorToImagesOptions {
  /** The images: 8-bit images of one size and channel count, or an NHWC float tensor (see {@link tensorToImages}). */
  images: readonly PixelImage[] | Tensor;
  /** Images per row, default `ceil(√n)`. */
  columns?: number;
  /** Pixels between images and around the grid (as torchvision's `make_grid`), default 0. */
  padding?: number;
  /** Value 0–255 of the padding's colour channels (alpha is 255), default 0. */
  paddingValue?: number;
}

/**
 * Tiles a batch into one image: `columns` per row, filled row by row, with `padding` pixels between and
 * around the images (like torchvision's `make_grid`); unused cells at the end are padding.
 *
 * @example
 * const grid = await imageGrid({ images: samples, columns: 8, padding: 2 });
 * await writePngFile('samples.png', grid); // from '@diffuse/io/node'
 */
export async function imageGrid(options: ImageGridOptions): Promise<PixelImage> {
  const images = Array.isArray(options.images)
    ? (options.images as readonly PixelImage[])
    : await tensorToImages(options.images as Tensor, options);
  if (images.length === 0) throw new ValueError({ argument: 'images', expected: 'at least one image', received: 0 });
  const first = checkPixelImage(images[0]!, 'images[0]');
  images.forEach((image, i) => {
    checkPixelImage(image, `images[${i}]`);
    if (image.width !== first.width || image.height !== first.height || image.channels !== first.channels) {
      throw new ShapeError({
        argument: `images[${i}]`,
        expected: `${first.width} × ${first.height} × ${first.channels} like images[0]`,
        received: `${image.width} × ${image.height} × ${image.channels}`,
      });
    }
  });
  const columns = options.columns ?? Math.ceil(Math.sqrt(images.length));
  const padding = options.padding ?? 0;
  const paddingValue = options.paddingValue ?? 0;
  checkInteger('columns', columns, 1);
  checkInteger('padding', padding, 0);
  checkInteger('paddingValue', paddingValue, 0, 255);
  const rows = Math.ceil(images.length / columns);
  const { channels } = first;
  const width = columns * (first.width + padding) + padding;
  const height = rows * (first.height + padding) + padding;
  const data = new Uint8Array(width * height * channels).fill(paddingValue);
  if (channels === 4) for (let i = 3; i < data.length; i += 4) data[i] = 255;
  const rowBytes = first.width * channels;
  images.forEach((image, index) => {
    const left = padding + (index % columns) * (first.width + padding);
    const top = padding + Math.floor(index / columns) * (first.height + padding);
    for (let y = 0; y < first.height; y++) {
      const target = ((top + y) * width + left) * channels;
      data.set(image.data.subarray(y * rowBytes, (y + 1) * rowBytes), target);
    }
  });
  return { width, height, channels, data };
}

function roundHalfToEven(value: number): number {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && rounded % 2 === 1 ? rounded - 1 : rounded;
}

function checkInteger(argument: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValueError({ argument, expected: `an integer in [${min}, ${max}]`, received: value });
  }
}
