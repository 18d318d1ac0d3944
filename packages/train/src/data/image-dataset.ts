/**
 * An in-memory image dataset (8-bit pixels, e.g. Fashion-MNIST or a folder of PNGs) served as the
 * endless, seeded stream the trainer reads: each epoch is a new seeded permutation, pixels are scaled
 * to [−1, 1], and an optional horizontal flip is drawn per stream position.
 */
import { NoiseGenerator, requireInteger, ShapeError, ValueError } from '@diffuse/core';
import { type Tensor1D, type Tensor4D, tensor1d, tensor4d } from '@tensorflow/tfjs-core';
import type { BatchRange, TrainingBatch, TrainingDataset } from './dataset.js';

/** Options of {@link ImageDataset}. */
export interface ImageDatasetOptions {
  /** `count · height · width · channels` bytes, NHWC row-major. */
  pixels: Uint8Array;
  /** [count, height, width, channels]. */
  shape: readonly [number, number, number, number];
  /** Integer class labels, one per image (optional). */
  labels?: ArrayLike<number>;
  /** Number of classes (default: max label + 1). */
  numClasses?: number;
  /** Seed of the shuffle and flips. */
  seed: number;
  /** Flip each example left–right with probability ½ (default false). */
  horizontalFlip?: boolean;
}

/**
 * Images as a {@link TrainingDataset}: `batch({ start, count })` returns examples of the shuffled,
 * endless stream, as float32 NHWC in [−1, 1] (x / 127.5 − 1).
 *
 * @example
 * const dataset = new ImageDataset({ pixels, shape: [60000, 28, 28, 1], labels, seed: 0, horizontalFlip: true });
 * const { sample, classLabels } = dataset.batch({ start: 0, count: 64 }); // [64, 28, 28, 1], [64]
 */
export class ImageDataset implements TrainingDataset {
  readonly size: number;
  readonly exampleShape: readonly [number, number, number];
  readonly numClasses: number | undefined;
  readonly seed: number;
  readonly horizontalFlip: boolean;
  private readonly pixels: Uint8Array;
  private readonly labels: Int32Array | undefined;
  private readonly generator: NoiseGenerator;
  private readonly permutations = new Map<number, Uint32Array>();

  constructor(options: ImageDatasetOptions) {
    const [count, height, width, channels] = options.shape;
    for (const [index, value] of options.shape.entries()) requireInteger(`shape[${index}]`, value, { min: 1 });
    if (options.pixels.length !== count * height * width * channels) {
      throw new ShapeError({
        argument: 'pixels',
        expected: `${count}·${height}·${width}·${channels} = ${count * height * width * channels} bytes`,
        received: `${options.pixels.length} bytes`,
      });
    }
    if (options.labels !== undefined) {
      if (options.labels.length !== count) {
        throw new ShapeError({ argument: 'labels', expected: `${count} labels`, received: `${options.labels.length}` });
      }
      this.labels = Int32Array.from(options.labels);
      let max = -1;
      for (const label of this.labels) {
        if (label < 0) throw new ValueError({ argument: 'labels', expected: 'integers ≥ 0', received: label });
        max = Math.max(max, label);
      }
      this.numClasses = requireInteger('numClasses', options.numClasses ?? max + 1, { min: max + 1 });
    }
    this.size = count;
    this.exampleShape = [height, width, channels];
    this.pixels = options.pixels;
    this.seed = requireInteger('seed', options.seed, { min: 0 });
    this.generator = new NoiseGenerator(this.seed);
    this.horizontalFlip = options.horizontalFlip ?? false;
  }

  /** The dataset index at stream position `position` (epoch-wise seeded permutations). */
  indexAt(position: number): number {
    const epoch = Math.floor(position / this.size);
    return this.permutation(epoch)[position - epoch * this.size]!;
  }

  batch(range: BatchRange): TrainingBatch {
    const start = requireInteger('start', range.start, { min: 0 });
    const count = requireInteger('count', range.count, { min: 1 });
    const [height, width, channels] = this.exampleShape;
    const exampleSize = height * width * channels;
    const out = new Float32Array(count * exampleSize);
    const flips = this.horizontalFlip
      ? this.generator.uniformArray({ shape: [count], step: 0, firstSample: start, stream: 'flip' })
      : undefined;
    const labels = this.labels ? new Int32Array(count) : undefined;
    for (let b = 0; b < count; b++) {
      const index = this.indexAt(start + b);
      if (labels) labels[b] = this.labels![index]!;
      const source = index * exampleSize;
      const target = b * exampleSize;
      const flip = flips !== undefined && flips[b]! < 0.5;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const from = source + (y * width + (flip ? width - 1 - x : x)) * channels;
          const to = target + (y * width + x) * channels;
          for (let c = 0; c < channels; c++) out[to + c] = this.pixels[from + c]! / 127.5 - 1;
        }
      }
    }
    const sample = tensor4d(out, [count, height, width, channels]) as Tensor4D;
    return labels ? { sample, classLabels: tensor1d(labels, 'int32') as Tensor1D } : { sample };
  }

  private permutation(epoch: number): Uint32Array {
    let permutation = this.permutations.get(epoch);
    if (permutation) return permutation;
    // Fisher–Yates with counter-based uniforms: the permutation of an epoch depends only on (seed, epoch).
    const uniform = this.generator.uniformArray({ shape: [1, this.size], step: epoch, stream: 'shuffle' });
    permutation = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) permutation[i] = i;
    for (let i = this.size - 1; i > 0; i--) {
      const j = Math.min(i, Math.floor(uniform[i]! * (i + 1)));
      const swap = permutation[i]!;
      permutation[i] = permutation[j]!;
      permutation[j] = swap;
    }
    if (this.permutations.size >= 2) this.permutations.delete(this.permutations.keys().next().value!);
    this.permutations.set(epoch, permutation);
    return permutation;
  }
}
