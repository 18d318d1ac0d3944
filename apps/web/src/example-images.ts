/**
 * Images for the forward-process view, at the model's size and channel count, values in [-1, 1]:
 * procedural patterns, the last generated sample, or a picture the user picks (resized in a canvas).
 */

import type { SampleFormat } from './sampling-pipeline.js';

/** The built-in patterns. */
export const PATTERNS = {
  rings: 'rings',
  checkerboard: 'checkerboard',
  gradient: 'gradient',
} as const;

/** A pattern name. */
export type PatternName = keyof typeof PATTERNS;

/** A pattern as one NHWC image ([1, H, W, C] row-major). */
export function patternImage(name: PatternName, format: SampleFormat): Float32Array {
  const { height, width, channels } = format;
  const values = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      for (let c = 0; c < channels; c++) {
        let value: number;
        if (name === 'rings') {
          const radius = Math.hypot(u - 0.5, v - 0.5);
          value = Math.cos(radius * 2 * Math.PI * (2 + c * 0.5));
        } else if (name === 'checkerboard') {
          const cells = Math.max(2, Math.round(width / 4));
          value = (Math.floor(u * cells) + Math.floor(v * cells)) % 2 === 0 ? 0.9 : -0.9;
        } else {
          value = (c % 2 === 0 ? u : v) * 2 - 1;
        }
        values[(y * width + x) * channels + c] = value;
      }
    }
  }
  return values;
}

/** One image of a batch (item `index`), as a new array. */
export function batchItem(values: Float32Array, format: SampleFormat, index: number): Float32Array {
  const size = format.height * format.width * format.channels;
  return values.slice(index * size, (index + 1) * size);
}

/** Decodes a user-chosen image file and resizes it to `format` (grey for 1 channel), values in [-1, 1]. */
export async function imageFromFile(file: Blob, format: SampleFormat): Promise<Float32Array> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  canvas.width = format.width;
  canvas.height = format.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2-D canvas context to resize the image');
  context.drawImage(bitmap, 0, 0, format.width, format.height);
  bitmap.close();
  const rgba = context.getImageData(0, 0, format.width, format.height).data;
  const values = new Float32Array(format.height * format.width * format.channels);
  for (let pixel = 0; pixel < format.height * format.width; pixel++) {
    const red = rgba[pixel * 4]!;
    const green = rgba[pixel * 4 + 1]!;
    const blue = rgba[pixel * 4 + 2]!;
    const grey = 0.299 * red + 0.587 * green + 0.114 * blue;
    for (let c = 0; c < format.channels; c++) {
      const byte = format.channels === 3 ? [red, green, blue][c]! : grey;
      values[pixel * format.channels + c] = byte / 127.5 - 1;
    }
  }
  return values;
}
