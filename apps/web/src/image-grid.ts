/**
 * Draws a batch of NHWC images (values in [-1, 1], diffusers' convention) as a grid on a canvas.
 * 1 channel: grey; 3: RGB; 2 or ≥4: the first channel in grey (the others are not colours).
 */
import { context2d } from './dom.js';

/** A batch of images as plain numbers. */
export interface ImageBatch {
  /** [batch, height, width, channels]. */
  shape: readonly [number, number, number, number];
  /** Row-major NHWC values. */
  values: Float32Array;
}

/** Columns of the grid for `count` images: as square as possible. */
export function gridColumns(count: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(count)));
}

/** Pixel size of the grid canvas for a batch (1-pixel gaps between images). */
export function gridSize(
  shape: readonly [number, number, number, number],
  columns = gridColumns(shape[0]),
): { width: number; height: number } {
  const [batch, height, width] = shape;
  const rows = Math.ceil(batch / columns);
  return { width: columns * (width + 1) - 1, height: rows * (height + 1) - 1 };
}

function toByte(value: number): number {
  const byte = Math.round((value + 1) * 127.5);
  return byte < 0 ? 0 : byte > 255 ? 255 : byte;
}

/** Resizes `canvas` to the grid and draws the batch (`columns` per row: default as square as possible). */
export function drawImageGrid(
  canvas: HTMLCanvasElement,
  batch: ImageBatch,
  scale: number,
  columns = gridColumns(batch.shape[0]),
): void {
  const [count, height, width, channels] = batch.shape;
  const size = gridSize(batch.shape, columns);
  if (canvas.width !== size.width || canvas.height !== size.height) {
    canvas.width = size.width;
    canvas.height = size.height;
    canvas.style.width = `${size.width * scale}px`;
    canvas.style.height = `${size.height * scale}px`;
  }
  const context = context2d(canvas);
  const image = context.createImageData(size.width, size.height);
  const colour = channels === 3;
  for (let item = 0; item < count; item++) {
    const left = (item % columns) * (width + 1);
    const top = Math.floor(item / columns) * (height + 1);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const source = ((item * height + y) * width + x) * channels;
        const target = ((top + y) * size.width + left + x) * 4;
        const red = toByte(batch.values[source]!);
        image.data[target] = red;
        image.data[target + 1] = colour ? toByte(batch.values[source + 1]!) : red;
        image.data[target + 2] = colour ? toByte(batch.values[source + 2]!) : red;
        image.data[target + 3] = 255;
      }
    }
  }
  context.putImageData(image, 0, 0);
}
