/**
 * A folder of PNG images as a dataset: either flat (no labels) or one subfolder per class, like
 * torchvision's `ImageFolder` (classes are the subfolder names in sorted order).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError, ShapeError } from '@diffuse/core';
import type { PixelImage } from '@diffuse/io';
import { readPngFile } from '@diffuse/io/node';
import { ImageDataset } from '../data/image-dataset.js';

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  directory: string;
  /** Channels to produce: 1 (luma), 3 (RGB). Default: those of the first image (alpha dropped). */
  channels?: 1 | 3;
}

/** Raw images of a folder, with labels when it has class subfolders. */
export interface ImageFolderData {
  pixels: Uint8Array;
  shape: [number, number, number, number];
  /** Class names (sorted subfolder names) when the folder has subfolders. */
  classNames: string[] | undefined;
  labels: Int32Array | undefined;
  /** The file of each image, in order. */
  files: string[];
}

async function listPngs(directory: string): Promise<{ files: string[]; folders: string[] }> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (cause) {
    throw new IoError({
      argument: 'directory',
      expected: 'a readable folder of PNG images',
      received: directory,
      cause,
    });
  }
  const files = entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.png'))
    .map((e) => e.name)
    .sort();
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return { files, folders };
}

function convert(image: PixelImage, channels: 1 | 3): Uint8Array {
  const pixels = image.width * image.height;
  const out = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const source = p * image.channels;
    const [r, g, b] =
      image.channels === 1
        ? [image.data[source]!, image.data[source]!, image.data[source]!]
        : [image.data[source]!, image.data[source + 1]!, image.data[source + 2]!];
    if (channels === 1) out[p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else out.set([r, g, b], p * 3);
  }
  return out;
}

/**
 * Reads every `.png` of `directory` (or of its class subfolders). All images must have the same size.
 *
 * @example
 * const { pixels, shape, labels } = await loadImageFolder({ directory: 'data/sprites', channels: 3 });
 */
export async function loadImageFolder(options: ImageFolderOptions): Promise<ImageFolderData> {
  const { directory } = options;
  const top = await listPngs(directory);
  const classNames = top.folders.length > 0 ? top.folders : undefined;
  const files: string[] = [];
  const labelList: number[] = [];
  if (classNames) {
    for (const [label, name] of classNames.entries()) {
      const inner = await listPngs(join(directory, name));
      for (const file of inner.files) {
        files.push(join(directory, name, file));
        labelList.push(label);
      }
    }
  } else {
    files.push(...top.files.map((file) => join(directory, file)));
  }
  if (files.length === 0) {
    throw new IoError({ argument: 'directory', expected: 'at least one .png image', received: directory });
  }
  const first = await readPngFile(files[0]!);
  const channels = options.channels ?? (first.channels === 1 ? 1 : 3);
  const size = first.width * first.height * channels;
  const pixels = new Uint8Array(files.length * size);
  for (const [index, file] of files.entries()) {
    const image = index === 0 ? first : await readPngFile(file);
    if (image.width !== first.width || image.height !== first.height) {
      throw new ShapeError({
        argument: file,
        expected: `${first.width}×${first.height} pixels (the size of ${files[0]})`,
        received: `${image.width}×${image.height}`,
      });
    }
    pixels.set(convert(image, channels), index * size);
  }
  return {
    pixels,
    shape: [files.length, first.height, first.width, channels],
    classNames,
    labels: classNames ? Int32Array.from(labelList) : undefined,
    files,
  };
}

/**
 * A PNG folder as a shuffled, endless {@link ImageDataset} in [−1, 1].
 *
 * @example
 * const dataset = await imageFolderDataset({ directory: 'data/sprites', seed: 0, horizontalFlip: true });
 */
export async function imageFolderDataset(
  options: ImageFolderOptions & { seed: number; horizontalFlip?: boolean },
): Promise<ImageDataset> {
  const data = await loadImageFolder(options);
  return new ImageDataset({
    pixels: data.pixels,
    shape: data.shape,
    ...(data.labels ? { labels: data.labels, numClasses: data.classNames!.length } : {}),
    seed: options.seed,
    horizontalFlip: options.horizontalFlip ?? false,
  });
}
