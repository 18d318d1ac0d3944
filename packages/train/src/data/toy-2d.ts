/**
 * Built-in 2-D toy distributions (the FFJORD set, Grathwohl et al. 2019), drawn from the counter-based
 * generator: point i of a seed is the same whatever the batch it is drawn in.
 */
import { NoiseGenerator, requireInteger, requireOneOf } from '@diffuse/core';
import { type Tensor4D, tensor4d } from '@tensorflow/tfjs-core';
import type { BatchRange, TrainingBatch, TrainingDataset } from './dataset.js';

/** The names of the built-in 2-D distributions. */
export const TOY_DISTRIBUTIONS = ['two-moons', 'eight-gaussians', 'swiss-roll', 'checkerboard'] as const;
/** A built-in 2-D distribution. */
export type ToyDistribution = (typeof TOY_DISTRIBUTIONS)[number];

/** Options of {@link sampleToyPoints}. */
export interface ToySampleOptions {
  distribution: ToyDistribution;
  /** Number of points. */
  count: number;
  seed: number;
  /** Index of the first point (default 0): points are a pure function of (seed, index). */
  firstSample?: number;
}

/**
 * Draws `count` points as a Float32Array of [x₀, y₀, x₁, y₁, …]. Scales (all roughly unit standard deviation):
 * - `two-moons`: scikit-learn's `make_moons` with noise 0.05, mapped by x ↦ 2(x + 0.3) − 1, y ↦ 3(y + 0.3) − 1;
 * - `eight-gaussians`: 8 modes on a circle of radius 2√2, standard deviation 0.5/√2 (FFJORD);
 * - `swiss-roll`: scikit-learn's `make_swiss_roll` (noise 1), axes (x, z), divided by 5 (FFJORD);
 * - `checkerboard`: uniform on the 8 dark squares of a 4×4 board over [−4, 4]² (FFJORD).
 *
 * @example
 * const points = sampleToyPoints({ distribution: 'two-moons', count: 1000, seed: 0 }); // Float32Array(2000)
 */
export function sampleToyPoints(options: ToySampleOptions): Float32Array {
  const distribution = requireOneOf('distribution', options.distribution, TOY_DISTRIBUTIONS);
  const count = requireInteger('count', options.count, { min: 0 });
  const firstSample = requireInteger('firstSample', options.firstSample ?? 0, { min: 0 });
  const generator = new NoiseGenerator(options.seed);
  const draw = { shape: [count, 2], step: 0, firstSample };
  const uniform = generator.uniformArray({ ...draw, stream: `${distribution}.uniform` });
  const normal = generator.normalArray({ ...draw, stream: `${distribution}.normal` });
  const points = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const u0 = uniform[2 * i]!;
    const u1 = uniform[2 * i + 1]!;
    const n0 = normal[2 * i]!;
    const n1 = normal[2 * i + 1]!;
    let x: number;
    let y: number;
    if (distribution === 'two-moons') {
      const angle = Math.PI * u0;
      const upper = u1 < 0.5;
      x = (upper ? Math.cos(angle) : 1 - Math.cos(angle)) + 0.05 * n0;
      y = (upper ? Math.sin(angle) : 0.5 - Math.sin(angle)) + 0.05 * n1;
      x = 2 * (x + 0.3) - 1;
      y = 3 * (y + 0.3) - 1;
    } else if (distribution === 'eight-gaussians') {
      const angle = (Math.floor(u0 * 8) * Math.PI) / 4;
      x = (4 * Math.cos(angle) + 0.5 * n0) / Math.SQRT2;
      y = (4 * Math.sin(angle) + 0.5 * n1) / Math.SQRT2;
    } else if (distribution === 'swiss-roll') {
      const t = 1.5 * Math.PI * (1 + 2 * u0);
      x = (t * Math.cos(t) + n0) / 5;
      y = (t * Math.sin(t) + n1) / 5;
    } else {
      // FFJORD: x₁ ~ U[−2, 2); x₂ ~ U([0, 1) ∪ [−2, −1)) shifted up by ⌊x₁⌋ mod 2; both times 2.
      const column = u0 * 4 - 2;
      const offset = u1 < 0.5 ? 2 * u1 : 2 * (u1 - 0.5) - 2;
      x = column * 2;
      y = (offset + (((Math.floor(column) % 2) + 2) % 2)) * 2;
    }
    points[2 * i] = x;
    points[2 * i + 1] = y;
  }
  return points;
}

/**
 * An endless dataset of toy points as [count, 1, 1, 2] batches (points as NHWC with one pixel and two
 * channels, the layout of the `Denoiser` spec).
 *
 * @example
 * const dataset = new ToyDataset({ distribution: 'two-moons', seed: 1 });
 * const { sample } = dataset.batch({ start: 0, count: 256 }); // [256, 1, 1, 2]
 */
export class ToyDataset implements TrainingDataset {
  readonly size = undefined;
  readonly exampleShape = [1, 1, 2] as const;
  readonly distribution: ToyDistribution;
  readonly seed: number;

  constructor(options: { distribution: ToyDistribution; seed: number }) {
    this.distribution = requireOneOf('distribution', options.distribution, TOY_DISTRIBUTIONS);
    this.seed = requireInteger('seed', options.seed, { min: 0 });
  }

  batch(range: BatchRange): TrainingBatch {
    const points = sampleToyPoints({
      distribution: this.distribution,
      count: range.count,
      seed: this.seed,
      firstSample: range.start,
    });
    return { sample: tensor4d(points, [range.count, 1, 1, 2]) as Tensor4D };
  }
}
