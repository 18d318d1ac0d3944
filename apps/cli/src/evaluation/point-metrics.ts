/**
 * 2-D metrics of `diffuse eval` and the main job: energy distance and MMD between model samples and the
 * true distribution, each beside its floor, the same statistic between two independent draws of the true
 * distribution of the same size (what a perfect model would score).
 */
import {
  energyDistance,
  maximumMeanDiscrepancy,
  medianPairwiseDistance,
  sampleToyPoints,
  type ToyDistribution,
} from '@diffuse/train';

/** Sample-vs-truth statistics and their true-vs-true floors. */
export interface PointMetrics {
  count: number;
  energyDistance: number;
  energyDistanceFloor: number;
  mmd: number;
  mmdFloor: number;
  /** The Gaussian-kernel bandwidth of the MMD (median pairwise distance of the true points). */
  bandwidth: number;
}

/**
 * Compares `samples` (x, y pairs) with fresh draws of `distribution`.
 *
 * @example
 * const metrics = pointMetrics({ samples, distribution: 'two-moons' });
 * console.log(metrics.energyDistance, 'vs floor', metrics.energyDistanceFloor);
 */
export function pointMetrics(options: {
  samples: Float32Array;
  distribution: ToyDistribution;
  seed?: number;
}): PointMetrics {
  const count = options.samples.length / 2;
  const seed = options.seed ?? 1_000_003;
  const reference = { data: sampleToyPoints({ distribution: options.distribution, count, seed }), dimension: 2 };
  const independent = {
    data: sampleToyPoints({ distribution: options.distribution, count, seed: seed + 1 }),
    dimension: 2,
  };
  const samples = { data: options.samples, dimension: 2 };
  const bandwidth = medianPairwiseDistance(reference);
  return {
    count,
    energyDistance: energyDistance(samples, reference),
    energyDistanceFloor: energyDistance(independent, reference),
    mmd: maximumMeanDiscrepancy(samples, reference, { bandwidth }),
    mmdFloor: maximumMeanDiscrepancy(independent, reference, { bandwidth }),
    bandwidth,
  };
}

/** One line per statistic: value, floor, and the ratio. */
export function formatPointMetrics(metrics: PointMetrics): string {
  const ratio = (value: number, floor: number) => (floor > 0 ? ` (${(value / floor).toFixed(1)}× the floor)` : '');
  return [
    `energy distance: ${metrics.energyDistance.toFixed(4)} vs true-vs-true floor ${metrics.energyDistanceFloor.toFixed(4)}${ratio(metrics.energyDistance, metrics.energyDistanceFloor)}`,
    `MMD (Gaussian kernel, bandwidth ${metrics.bandwidth.toFixed(3)}): ${metrics.mmd.toFixed(5)} vs floor ${metrics.mmdFloor.toFixed(5)}${ratio(metrics.mmd, metrics.mmdFloor)}`,
    `(${metrics.count} points each)`,
  ].join('\n');
}
