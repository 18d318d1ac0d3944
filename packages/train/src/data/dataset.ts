/**
 * The data contract of the training loop: a dataset is an endless, seeded stream of examples indexed
 * by position, so the batch of any step is a pure function of (seed, step) and resuming needs nothing
 * but the step number.
 */
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';

/** One batch: images NHWC in [−1, 1] (2-D points as [batch, 1, 1, 2]) and optional class labels. */
export interface TrainingBatch {
  sample: Tensor4D;
  /** Integer labels, one per example (int32). */
  classLabels?: Tensor1D;
}

/** Which examples of the stream to return. */
export interface BatchRange {
  /** Position of the first example in the endless stream (0-based). */
  start: number;
  /** Number of examples. */
  count: number;
}

/**
 * A training dataset: `batch({ start, count })` returns examples `start … start + count − 1` of an
 * endless stream that depends only on the dataset's seed (finite datasets repeat in epochs, each a new
 * seeded permutation). Implementations return new tensors owned by the caller.
 *
 * @example
 * const batch = dataset.batch({ start: 0, count: 64 });
 * batch.sample.dispose();
 * batch.classLabels?.dispose();
 */
export interface TrainingDataset {
  /** Examples per epoch; `undefined` for generated (infinite) data. */
  readonly size: number | undefined;
  /** Shape of one example, [height, width, channels]. */
  readonly exampleShape: readonly [number, number, number];
  /** Number of classes when the dataset has labels. */
  readonly numClasses?: number;
  batch(range: BatchRange): TrainingBatch;
}
