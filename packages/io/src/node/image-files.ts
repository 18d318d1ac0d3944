/** IDX and PNG files on disk. */
import { promisify } from 'node:util';
import { gunzip as zlibGunzip } from 'node:zlib';
import { FormatError } from '@diffuse/core';
import { GUNZIP_MAX_BYTES, type IdxData, isGzip, parseIdx } from '../idx.js';
import { decodePng, encodePng, type PixelImage } from '../png.js';
import { readFileBytes } from './diffusers-folder.js';
import { writeFileAtomic } from './write-file-atomic.js';

const gunzipAsync = promisify(zlibGunzip);

/**
 * Reads an IDX file (MNIST, Fashion-MNIST), gzip-compressed (`.gz`, detected from the magic number) or
 * plain. Decompressed output is limited to `maxBytes` (default 1 GiB).
 *
 * @example
 * const { dims, data } = await readIdxFile('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
 */
export async function readIdxFile(path: string, options: { maxBytes?: number } = {}): Promise<IdxData> {
  let bytes = await readFileBytes(path, 'IDX file');
  if (isGzip(bytes)) {
    try {
      const buffer = await gunzipAsync(bytes, { maxOutputLength: options.maxBytes ?? GUNZIP_MAX_BYTES });
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new FormatError({ argument: path, expected: 'valid gzip data', received: reason, cause });
    }
  }
  return parseIdx(bytes, { source: path });
}

/**
 * Reads a PNG file as an 8-bit image (see `decodePng`).
 *
 * @example
 * const image = await readPngFile('grid.png'); // { width, height, channels, data }
 */
export async function readPngFile(path: string): Promise<PixelImage> {
  return decodePng(await readFileBytes(path, 'PNG file'));
}

/**
 * Encodes an 8-bit image as PNG and writes it atomically.
 *
 * @example
 * await writePngFile('samples.png', await imageGrid({ images: samples, padding: 2 }));
 */
export async function writePngFile(path: string, image: PixelImage): Promise<void> {
  await writeFileAtomic(path, encodePng(image));
}
