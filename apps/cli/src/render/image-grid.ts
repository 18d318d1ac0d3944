/**
 * Tiles a batch of NHWC images (values in [-1, 1]) into one 8-bit image: sample grids and the
 * denoising strip (x_t and the predicted x₀ across the sampling steps).
 */
import { ShapeError, ValueError } from '@diffuse/core';

/** A batch of images in NHWC order, pixel values in [-1, 1]. */
export interface ImageBatch {
  data: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** An 8-bit raster; `channels` 1 (grey) or 3 (RGB). */
export interface ByteImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

function checkBatch(argument: string, batch: ImageBatch): void {
  if (batch.channels !== 1 && batch.channels !== 3) {
    throw new ShapeError({ argument: `${argument}.channels`, expected: '1 or 3', received: batch.channels });
  }
  const expected = batch.count * batch.height * batch.width * batch.channels;
  if (batch.data.length !== expected) {
    throw new ShapeError({
      argument: `${argument}.data`,
      expected: `${expected} values (${batch.count}×${batch.height}×${batch.width}×${batch.channels})`,
      received: batch.data.length,
    });
  }
}

/** Maps [-1, 1] to [0, 255], clamping (NaN becomes 0). */
export function toByte(value: number): number {
  const scaled = Math.round(((value + 1) / 2) * 255);
  return scaled > 255 ? 255 : scaled >= 0 ? scaled : 0;
}

/**
 * Tiles `batch` into rows of `columns` images separated by `padding` pixels of `background` (a byte
 * value). Default columns: ⌈√count⌉.
 *
 * @example
 * const grid = tileImages({ batch: { data, count: 64, height: 28, width: 28, channels: 1 } });
 * writeFileSync('grid.png', encode({ ...grid, depth: 8 }));
 */
export function tileImages(options: {
  batch: ImageBatch;
  columns?: number;
  padding?: number;
  background?: number;
}): ByteImage {
  const { batch } = options;
  checkBatch('batch', batch);
  if (batch.count < 1) throw new ValueError({ argument: 'batch.count', expected: 'at least 1 image', received: 0 });
  const columns = options.columns ?? Math.ceil(Math.sqrt(batch.count));
  if (!Number.isInteger(columns) || columns < 1) {
    throw new ValueError({ argument: 'columns', expected: 'a positive integer', received: columns });
  }
  const padding = options.padding ?? 2;
  const rows = Math.ceil(batch.count / columns);
  const width = columns * batch.width + (columns + 1) * padding;
  const height = rows * batch.height + (rows + 1) * padding;
  const channels = batch.channels as 1 | 3;
  const data = new Uint8Array(width * height * channels).fill(options.background ?? 255);
  const imageSize = batch.height * batch.width * channels;
  for (let index = 0; index < batch.count; index++) {
    const top = padding + Math.floor(index / columns) * (batch.height + padding);
    const left = padding + (index % columns) * (batch.width + padding);
    for (let y = 0; y < batch.height; y++) {
      const source = index * imageSize + y * batch.width * channels;
      const target = ((top + y) * width + left) * channels;
      for (let x = 0; x < batch.width * channels; x++) data[target + x] = toByte(batch.data[source + x]!);
    }
  }
  return { width, height, channels, data };
}

/** One column of a denoising strip: the current sample x_t and the model's estimate of x₀. */
export interface StripFrame {
  /** x_t, [samples, h, w, c] flattened. */
  sample: Float32Array;
  /** Predicted x₀, same shape. */
  predOriginal: Float32Array;
}

/**
 * The denoising strip: for each of `samples` images, one row of x_t and one row of predicted x₀, one
 * column per frame (left: pure noise, right: the final sample).
 */
export function renderDenoisingStrip(options: {
  frames: readonly StripFrame[];
  samples: number;
  height: number;
  width: number;
  channels: number;
  padding?: number;
}): ByteImage {
  const { frames, samples, height, width, channels } = options;
  if (frames.length === 0) throw new ValueError({ argument: 'frames', expected: 'at least one frame', received: 0 });
  const imageSize = height * width * channels;
  const columns = frames.length;
  const data = new Float32Array(2 * samples * columns * imageSize);
  let index = 0;
  for (let item = 0; item < samples; item++) {
    for (const field of ['sample', 'predOriginal'] as const) {
      for (const frame of frames) {
        const source = frame[field];
        if (source.length !== samples * imageSize) {
          throw new ShapeError({
            argument: `frames.${field}`,
            expected: `${samples * imageSize} values`,
            received: source.length,
          });
        }
        data.set(source.subarray(item * imageSize, (item + 1) * imageSize), index * imageSize);
        index++;
      }
    }
  }
  return tileImages({
    batch: { data, count: 2 * samples * columns, height, width, channels },
    columns,
    padding: options.padding ?? 2,
  });
}

/** Enlarges `image` by an integer `factor` (nearest neighbour), for viewing small images. */
export function upscale(image: ByteImage, factor: number): ByteImage {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new ValueError({ argument: 'factor', expected: 'a positive integer', received: factor });
  }
  if (factor === 1) return image;
  const { channels } = image;
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x++) {
      const source = (sourceRow + Math.floor(x / factor)) * channels;
      const target = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) data[target + c] = image.data[source + c]!;
    }
  }
  return { width, height, channels, data };
}
