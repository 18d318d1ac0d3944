/**
 * Class conditioning: labels as tensors, a `Conditioner` for class-conditional models, and label dropout
 * for training with classifier-free guidance (Ho & Salimans 2022, §3.2: drop the condition with
 * probability p_uncond, replacing it by a null token).
 */
import { type Conditioner, type NoiseGenerator, requireInRange, requireInteger, ValueError } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';

/** Class labels as an int32 tensor (the caller owns it): from a number array or an existing tensor. */
export function classLabelsTensor(labels: readonly number[] | tf.Tensor1D): tf.Tensor1D {
  if (labels instanceof tf.Tensor) return labels.dtype === 'int32' ? tf.clone(labels) : tf.cast(labels, 'int32');
  labels.forEach((label, i) => {
    requireInteger(`classLabels[${i}]`, label, { min: 0 });
  });
  return tf.tensor1d(labels as number[], 'int32');
}

/**
 * Replaces each label by `nullClass` with probability `probability`, deterministically from a seeded
 * counter-based generator (sample index = `firstSample` + position, counter = `step`), so a resumed run
 * drops the same labels.
 *
 * @example
 * const labels = dropClassLabels({ labels: [3, 1, 4], probability: 0.1, nullClass: 10, generator, step });
 */
export function dropClassLabels(options: {
  labels: readonly number[] | Int32Array;
  probability: number;
  nullClass: number;
  generator: NoiseGenerator;
  step: number;
  firstSample?: number;
}): Int32Array {
  const probability = requireInRange('probability', options.probability, 0, 1);
  const nullClass = requireInteger('nullClass', options.nullClass, { min: 0 });
  const { labels } = options;
  labels.forEach((label, i) => {
    requireInteger(`labels[${i}]`, label, { min: 0 });
  });
  if (labels.length === 0) return new Int32Array(0);
  const uniform = options.generator.uniformArray({
    shape: [labels.length],
    step: options.step,
    firstSample: options.firstSample ?? 0,
    stream: 'class-dropout',
  });
  return Int32Array.from(labels, (label, i) => (uniform[i]! < probability ? nullClass : label));
}

/**
 * A `Conditioner` for class-conditional models: `encode([3, null, 7])` gives `classLabels` with `null`
 * mapped to `nullClass` (unconditional).
 *
 * @example
 * const conditioner = new ClassConditioner({ numClasses: 10 }); // nullClass defaults to 10
 * const { classLabels } = conditioner.encode([3, null]);       // tensor [3, 10]
 */
export class ClassConditioner implements Conditioner<number | null> {
  readonly numClasses: number;
  readonly nullClass: number;

  constructor(options: { numClasses: number; nullClass?: number }) {
    this.numClasses = requireInteger('numClasses', options.numClasses, { min: 1 });
    this.nullClass = requireInteger('nullClass', options.nullClass ?? this.numClasses, { min: 0 });
    if (this.nullClass < this.numClasses && options.nullClass !== undefined) {
      throw new ValueError({
        argument: 'nullClass',
        expected: `a label outside the classes [0, ${this.numClasses}) (the null token)`,
        received: this.nullClass,
      });
    }
  }

  /**
   * One int32 label per condition (`null` → `nullClass`); the caller owns the tensor. A label outside
   * `[0, numClasses)` is a ValueError naming its position.
   */
  encode(conditions: readonly (number | null)[]): { classLabels: tf.Tensor1D } {
    const labels = conditions.map((condition, i) => {
      if (condition === null) return this.nullClass;
      return requireInteger(`conditions[${i}]`, condition, { min: 0, max: this.numClasses - 1 });
    });
    return { classLabels: tf.tensor1d(labels, 'int32') };
  }
}
