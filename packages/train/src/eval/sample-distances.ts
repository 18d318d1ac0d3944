/**
 * Two-sample distances between point clouds: the energy distance (Székely & Rizzo 2013) and the
 * squared maximum mean discrepancy with a Gaussian kernel (Gretton et al. 2012). Plain float64 JS.
 *
 * Both are V-statistics (all pairs, including i = j), so they are ≥ 0 and have a small positive bias of
 * order 1/n: compare a model against the same statistic between two independent draws of the true
 * distribution (the "floor"), computed with the same sample sizes.
 */
import { ShapeError, ValueError } from '@diffuse/core';

/** Points as a flat row-major array of `count × dimension` numbers. */
export interface PointSet {
  data: ArrayLike<number>;
  dimension: number;
}

function countOf(argument: string, points: PointSet): number {
  const { data, dimension } = points;
  if (!Number.isInteger(dimension) || dimension < 1 || data.length === 0 || data.length % dimension !== 0) {
    throw new ShapeError({
      argument,
      expected: `a non-empty flat array whose length is a multiple of dimension (${dimension})`,
      received: `length ${data.length}`,
    });
  }
  return data.length / dimension;
}

function checkPair(a: PointSet, b: PointSet): [number, number] {
  if (a.dimension !== b.dimension) {
    throw new ShapeError({
      argument: 'b.dimension',
      expected: `${a.dimension} (the dimension of a)`,
      received: b.dimension,
    });
  }
  return [countOf('a', a), countOf('b', b)];
}

/** Mean of f(‖x_i − y_j‖²) over all pairs. */
function meanPairwise(x: PointSet, y: PointSet, nx: number, ny: number, f: (squared: number) => number): number {
  const d = x.dimension;
  let total = 0;
  for (let i = 0; i < nx; i++) {
    let row = 0;
    for (let j = 0; j < ny; j++) {
      let squared = 0;
      for (let k = 0; k < d; k++) {
        const diff = x.data[i * d + k]! - y.data[j * d + k]!;
        squared += diff * diff;
      }
      row += f(squared);
    }
    total += row;
  }
  return total / (nx * ny);
}

/**
 * Energy distance E = 2·E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ (V-statistic; zero iff the distributions are equal).
 *
 * @example
 * energyDistance({ data: samples, dimension: 2 }, { data: truePoints, dimension: 2 });
 */
export function energyDistance(a: PointSet, b: PointSet): number {
  const [na, nb] = checkPair(a, b);
  const distance = (squared: number) => Math.sqrt(squared);
  return (
    2 * meanPairwise(a, b, na, nb, distance) -
    meanPairwise(a, a, na, na, distance) -
    meanPairwise(b, b, nb, nb, distance)
  );
}

/**
 * Median of the pairwise Euclidean distances of the pooled points (the median heuristic for an RBF
 * bandwidth), on at most `maxPoints` points (default 1000, the first ones of each set in turn).
 *
 * @example
 * const bandwidth = medianPairwiseDistance({ data: truePoints, dimension: 2 });
 */
export function medianPairwiseDistance(...sets: PointSet[]): number {
  const dimension = sets[0]?.dimension ?? 0;
  const pooled: number[] = [];
  const limit = 1000;
  for (const [index, set] of sets.entries()) {
    const count = countOf(`sets[${index}]`, set);
    const take = Math.min(count, Math.ceil(limit / sets.length));
    for (let i = 0; i < take * dimension; i++) pooled.push(set.data[i]!);
  }
  const n = pooled.length / dimension;
  const distances: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let squared = 0;
      for (let k = 0; k < dimension; k++) squared += (pooled[i * dimension + k]! - pooled[j * dimension + k]!) ** 2;
      distances.push(Math.sqrt(squared));
    }
  }
  distances.sort((x, y) => x - y);
  const middle = distances.length >> 1;
  return distances.length % 2 === 1 ? distances[middle]! : (distances[middle - 1]! + distances[middle]!) / 2;
}

/**
 * Squared MMD with the Gaussian kernel k(x, y) = exp(−‖x − y‖² / (2σ²)):
 * MMD² = E k(X, X′) + E k(Y, Y′) − 2·E k(X, Y) (V-statistic). `bandwidth` σ defaults to the median
 * heuristic on the pooled points; pass a fixed σ when comparing several models against one floor.
 *
 * @example
 * const sigma = medianPairwiseDistance(truePoints);
 * maximumMeanDiscrepancy(samples, truePoints, { bandwidth: sigma });
 */
export function maximumMeanDiscrepancy(a: PointSet, b: PointSet, options: { bandwidth?: number } = {}): number {
  const [na, nb] = checkPair(a, b);
  const bandwidth = options.bandwidth ?? medianPairwiseDistance(a, b);
  if (!Number.isFinite(bandwidth) || bandwidth <= 0) {
    throw new ValueError({ argument: 'bandwidth', expected: 'a finite number > 0', received: bandwidth });
  }
  const scale = -1 / (2 * bandwidth * bandwidth);
  const kernel = (squared: number) => Math.exp(squared * scale);
  return (
    meanPairwise(a, a, na, na, kernel) + meanPairwise(b, b, nb, nb, kernel) - 2 * meanPairwise(a, b, na, nb, kernel)
  );
}
