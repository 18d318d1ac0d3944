/**
 * Writes an 8-bit raster as a PNG file, creating the folder and replacing the file atomically
 * (write to a temporary name, then rename), so that an interrupted run never leaves half a PNG.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IoError } from '@diffuse/core';
import { encode } from 'fast-png';

/** An 8-bit raster with 1 (grey) or 3 (RGB) channels. */
export interface PngRaster {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** PNG bytes of `raster`. */
export function encodeRaster(raster: PngRaster): Uint8Array {
  return encode({ width: raster.width, height: raster.height, data: raster.data, channels: raster.channels, depth: 8 });
}

/** Writes `raster` to `path` as a PNG (atomically). */
export async function writePng(path: string, raster: PngRaster): Promise<void> {
  const bytes = encodeRaster(raster);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    throw new IoError({
      argument: 'path',
      expected: 'a writable file path',
      received: path,
      hint: (error as Error).message,
      cause: error,
    });
  }
}
