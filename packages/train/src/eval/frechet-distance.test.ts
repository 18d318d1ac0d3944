import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { featureStatistics, frechetDistance, frechetDistanceFromStatistics } from './frechet-distance.js';
import { symmetricEigen } from './symmetric-eigen.js';

interface FrechetCase {
  name: string;
  dimension: number;
  a: number[];
  b: number[];
  frechet: number;
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/frechet.json', import.meta.url), 'utf8')) as {
  cases: FrechetCase[];
};

describe('symmetricEigen', () => {
  it('diagonalises known matrices', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(Array.from(values)).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
    expect(Math.abs(vectors[0]! * vectors[1]! + vectors[2]! * vectors[3]!)).toBeLessThan(1e-14);
    expect(Math.abs(vectors[1]!)).toBeCloseTo(Math.SQRT1_2, 14);
    // [[4, 1, 0], [1, 4, 1], [0, 1, 4]]: eigenvalues 4 − √2, 4, 4 + √2
    const tridiagonal = symmetricEigen([4, 1, 0, 1, 4, 1, 0, 1, 4], 3).values;
    expect(Array.from(tridiagonal)).toEqual([4 - Math.SQRT2, 4, 4 + Math.SQRT2].map((x) => expect.closeTo(x, 13)));
  });

  it('reconstructs a random symmetric matrix as V·Λ·Vᵀ with orthonormal V', () => {
    const n = 12;
    const matrix = new Float64Array(n * n);
    let state = 1;
    const next = () => {
      state = (state * 48271) % 2147483647;
      return (state / 2147483647) * 2 - 1;
    };
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const value = next();
        matrix[i * n + j] = value;
        matrix[j * n + i] = value;
      }
    }
    const { values, vectors } = symmetricEigen(matrix, n);
    let worst = 0;
    let orthogonality = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          sum += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
          dot += vectors[k * n + i]! * vectors[k * n + j]!;
        }
        worst = Math.max(worst, Math.abs(sum - matrix[i * n + j]!));
        orthogonality = Math.max(orthogonality, Math.abs(dot - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-12);
    expect(orthogonality).toBeLessThan(1e-12);
    expect([...values].every((v, i) => i === 0 || v >= values[i - 1]!)).toBe(true);
  });
});

describe('frechetDistance', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches pytorch-fid (numpy/scipy) on "%s"', (_, c) => {
    const distance = frechetDistance({ data: c.a, dimension: c.dimension }, { data: c.b, dimension: c.dimension });
    expect(Math.abs(distance - c.frechet)).toBeLessThan(1e-8 * Math.max(1, c.frechet));
  });

  it('has the closed form |Δμ|² + Σ(√a − √b)² for diagonal covariances, and is 0 for equal sets', () => {
    const a = { dimension: 2, count: 10, mean: new Float64Array([1, 0]), covariance: new Float64Array([4, 0, 0, 1]) };
    const b = { dimension: 2, count: 10, mean: new Float64Array([0, 2]), covariance: new Float64Array([1, 0, 0, 9]) };
    expect(frechetDistanceFromStatistics(a, b)).toBeCloseTo(1 + 4 + (2 - 1) ** 2 + (1 - 3) ** 2, 12);
    const data = [0.5, 1, -2, 0.25, 3, 3, 1, -1];
    expect(Math.abs(frechetDistance({ data, dimension: 2 }, { data, dimension: 2 }))).toBeLessThan(1e-12);
  });

  it('computes the unbiased covariance and refuses too few vectors', () => {
    const stats = featureStatistics({ data: [0, 0, 2, 4], dimension: 2 });
    expect(Array.from(stats.mean)).toEqual([1, 2]);
    expect(Array.from(stats.covariance)).toEqual([2, 4, 4, 8]);
    expect(() => featureStatistics({ data: [1, 2], dimension: 2 })).toThrow(/at least 2/);
  });
});
