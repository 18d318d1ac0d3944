/**
 * Validation and normalisation of `UNet2DModel.predict` inputs: the sample's shape, timesteps as one
 * float per batch item, class labels as floats of integers.
 */
import { ConfigError, ShapeError, type Timesteps, ValueError } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import type { UNet2DPlan } from './unet-plan.js';

/**
 * Checks the sample: NHWC float32, `inChannels` channels, height and width multiples of the downsampling.
 *
 * @example
 * const sample = prepareSample(plan, input.sample);
 */
export function prepareSample(plan: UNet2DPlan, sample: tf.Tensor4D): tf.Tensor4D {
  if (!(sample instanceof tf.Tensor) || sample.rank !== 4) {
    throw new ShapeError({
      argument: 'sample',
      expected: 'a rank-4 tensor [batch, height, width, channels] (NHWC)',
      received: sample,
    });
  }
  const [batch, height, width, channels] = sample.shape;
  const { inChannels } = plan.config;
  if (channels !== inChannels) {
    throw new ShapeError({ argument: 'sample', expected: `${inChannels} channels (NHWC)`, received: sample.shape });
  }
  const multiple = plan.spatialMultiple;
  if (height % multiple !== 0 || width % multiple !== 0 || batch === 0) {
    throw new ShapeError({
      argument: 'sample',
      expected: `a non-empty batch with height and width multiples of ${multiple} (2 per downsampling level)`,
      received: sample.shape,
    });
  }
  return sample.dtype === 'float32' ? sample : tf.cast(sample, 'float32');
}

/**
 * Timesteps as a float32 `[batch]` tensor: a number, or an array/1-D tensor of length `batch` or 1
 * (broadcast). Numbers are used as given (diffusers casts a Python scalar to an integer first).
 *
 * @example
 * prepareTimesteps(500, 4); // float32 [500, 500, 500, 500]
 */
export function prepareTimesteps(timestep: Timesteps | tf.Scalar, batch: number): tf.Tensor1D {
  if (typeof timestep === 'number') {
    if (!Number.isFinite(timestep))
      throw new ValueError({ argument: 'timestep', expected: 'a finite number', received: timestep });
    return tf.fill([batch], timestep, 'float32') as tf.Tensor1D;
  }
  const values = timestep instanceof tf.Tensor ? timestep : tf.tensor1d(checkNumbers('timestep', timestep), 'float32');
  return toBatch('timestep', values, batch);
}

/**
 * Class labels as a float32 `[batch]` tensor; a `ValueError` when the model needs them and they are absent.
 *
 * @example
 * const labels = prepareClassLabels(plan, [1, 7], 2);
 */
export function prepareClassLabels(
  plan: UNet2DPlan,
  classLabels: tf.Tensor1D | readonly number[] | undefined,
  batch: number,
): tf.Tensor1D | undefined {
  if (plan.classEmbedding === null) {
    if (classLabels !== undefined) {
      throw new ConfigError({
        argument: 'classLabels',
        expected: 'none: this model has no class embedding (set numClassEmbeds or classEmbedType)',
        received: classLabels,
      });
    }
    return undefined;
  }
  if (classLabels === undefined) {
    throw new ValueError({
      argument: 'classLabels',
      expected: `one label per batch item (${batch})`,
      received: undefined,
    });
  }
  if (!(classLabels instanceof tf.Tensor) && plan.classEmbedding.kind === 'table') {
    checkIndices('classLabels', classLabels, plan.classEmbedding.rows);
  }
  const labels =
    classLabels instanceof tf.Tensor ? classLabels : tf.tensor1d(checkNumbers('classLabels', classLabels), 'float32');
  if (labels.rank !== 1 || labels.shape[0] !== batch) {
    throw new ShapeError({ argument: 'classLabels', expected: `shape [${batch}]`, received: labels.shape });
  }
  return labels.dtype === 'float32' ? labels : (tf.cast(labels, 'float32') as tf.Tensor1D);
}

/**
 * Rows of a lookup table must be integers in `[0, rows)` (PyTorch's `nn.Embedding` raises otherwise; a
 * one-hot lookup would silently give zeros). Tensors are not read back (that would block on WebGPU).
 */
export function checkIndices(argument: string, values: readonly number[] | number, rows: number): void {
  for (const value of typeof values === 'number' ? [values] : values) {
    if (!Number.isInteger(value) || value < 0 || value >= rows) {
      throw new ValueError({ argument, expected: `integers in [0, ${rows - 1}]`, received: values });
    }
  }
}

function checkNumbers(argument: string, values: readonly number[]): number[] {
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new ValueError({ argument, expected: 'finite numbers', received: values });
  }
  return [...values];
}

function toBatch(argument: string, values: tf.Tensor, batch: number): tf.Tensor1D {
  const length = values.rank === 0 ? 1 : values.shape[0];
  if (values.rank > 1 || (length !== batch && length !== 1)) {
    throw new ShapeError({
      argument,
      expected: `a scalar or shape [${batch}] (one per batch item)`,
      received: values.shape,
    });
  }
  const floats = values.dtype === 'float32' ? values : tf.cast(values, 'float32');
  const flat = tf.reshape(floats, [length]);
  return (length === batch ? flat : tf.tile(flat, [batch])) as tf.Tensor1D;
}
