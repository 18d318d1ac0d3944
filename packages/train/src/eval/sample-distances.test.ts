import { describe, expect, it } from 'vitest';
import { sampleToyPoints } from '../data/toy-2d.js';
import { energyDistance, maximumMeanDiscrepancy, medianPairwiseDistance } from './sample-distances.js';

const points = (seed: number, count = 500, shift = 0) => {
  const data = sampleToyPoints({ distribution: 'two-moons', count, seed });
  for (let i = 0; i < data.length; i += 2) data[i]! += shift;
  return { data, dimension: 2 };
};

describe('energy distance and MMD', () => {
  it('match hand-computed values on tiny sets', () => {
    const a = { data: [0, 0, 1, 0], dimension: 2 };
    const b = { data: [0, 1], dimension: 2 };
    // 2·E|a−b| = 2·(1 + √2)/2; E|a−a′| = 2/4; E|b−b′| = 0
    expect(energyDistance(a, b)).toBeCloseTo(1 + Math.SQRT2 - 0.5, 12);
    const k = (squared: number) => Math.exp(-squared / 2);
    const expected = (2 + 2 * k(1)) / 4 + 1 - (2 * (k(1) + k(2))) / 2;
    expect(maximumMeanDiscrepancy(a, b, { bandwidth: 1 })).toBeCloseTo(expected, 12);
    expect(medianPairwiseDistance({ data: [0, 0, 3, 4, 0, 8], dimension: 2 })).toBe(5);
  });

  it('sit near the true-vs-true floor for the same distribution and far above it when shifted', () => {
    // The floor is itself noisy at n = 500 (single pairs range over ~0.004–0.03): average 4 pairs.
    const reference = points(1);
    const bandwidth = medianPairwiseDistance(reference);
    const pairs = [2, 4, 6, 8].map((seed) => [points(seed), points(seed + 1)] as const);
    const floor = pairs.reduce((sum, [a, b]) => sum + energyDistance(a, b), 0) / pairs.length;
    const mmdFloor = pairs.reduce((sum, [a, b]) => sum + maximumMeanDiscrepancy(a, b, { bandwidth }), 0) / pairs.length;
    expect(floor).toBeGreaterThan(0);
    expect(energyDistance(points(20), reference)).toBeLessThan(3 * floor);
    expect(energyDistance(points(22, 500, 1), reference)).toBeGreaterThan(10 * floor);
    expect(maximumMeanDiscrepancy(points(20), reference, { bandwidth })).toBeLessThan(3 * mmdFloor);
    expect(maximumMeanDiscrepancy(points(22, 500, 1), reference, { bandwidth })).toBeGreaterThan(10 * mmdFloor);
  });

  it('refuse mismatched dimensions', () => {
    expect(() => energyDistance({ data: [1, 2], dimension: 2 }, { data: [1, 2, 3], dimension: 3 })).toThrow(
      /dimension/,
    );
    expect(() => energyDistance({ data: [1, 2, 3], dimension: 2 }, { data: [1, 2], dimension: 2 })).toThrow(/multiple/);
  });
});
