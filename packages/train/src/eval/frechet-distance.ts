/**
 * Fréchet distance between two sets of feature vectors, the statistic behind FID (Heusel et al. 2017):
 *
 *     d² = ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2·(Σ_a Σ_b)^½)
 *
 * computed in float64 with Tr((Σ_a Σ_b)^½) = Tr((Σ_a^½ Σ_b Σ_a^½)^½), whose argument is symmetric
 * positive semi-definite, so both square roots come from symmetric eigendecompositions (no complex
 * parts to discard, unlike `scipy.linalg.sqrtm`). Covariances use the unbiased 1/(n − 1) (as `np.cov`).
 */
import { ShapeError, ValueError } from '@diffuse/core';
import type { PointSet } from './sample-distances.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** Mean and covariance of a feature set (float64; covariance row-major d × d). */
export interface FeatureStatistics {
  dimension: number;
  count: number;
  mean: Float64Array;
  covariance: Float64Array;
}

/**
 * Mean and unbiased covariance of `features` (n × d, n ≥ 2), e.g. to cache the statistics of a reference set.
 *
 * @example
 * const reference = featureStatistics({ data: await features.data(), dimension: 64 });
 */
export function featureStatistics(features: PointSet): FeatureStatistics {
  const { data, dimension } = features;
  if (!Number.isInteger(dimension) || dimension < 1 || data.length % dimension !== 0 || data.length < 2 * dimension) {
    throw new ShapeError({
      argument: 'features',
      expected: `at least 2 feature vectors of dimension ${dimension} (flat, row-major)`,
      received: `length ${data.length}`,
    });
  }
  const count = data.length / dimension;
  const mean = new Float64Array(dimension);
  for (let i = 0; i < count; i++) for (let k = 0; k < dimension; k++) mean[k]! += data[i * dimension + k]!;
  for (let k = 0; k < dimension; k++) mean[k]! /= count;
  const covariance = new Float64Array(dimension * dimension);
  const centred = new Float64Array(dimension);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < dimension; k++) centred[k] = data[i * dimension + k]! - mean[k]!;
    for (let r = 0; r < dimension; r++) {
      const value = centred[r]!;
      for (let c = r; c < dimension; c++) covariance[r * dimension + c]! += value * centred[c]!;
    }
  }
  for (let r = 0; r < dimension; r++) {
    for (let c = r; c < dimension; c++) {
      const value = covariance[r * dimension + c]! / (count - 1);
      covariance[r * dimension + c] = value;
      covariance[c * dimension + r] = value;
    }
  }
  if (!mean.every(Number.isFinite))
    throw new ValueError({ argument: 'features', expected: 'finite numbers', received: 'NaN or ±∞' });
  return { dimension, count, mean, covariance };
}

/** Symmetric PSD square root V·diag(√max(λ, 0))·Vᵀ. */
function sqrtPsd(matrix: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  const out = new Float64Array(n * n);
  for (let e = 0; e < n; e++) {
    const root = Math.sqrt(Math.max(0, values[e]!));
    if (root === 0) continue;
    for (let i = 0; i < n; i++) {
      const vi = vectors[i * n + e]! * root;
      for (let j = 0; j < n; j++) out[i * n + j]! += vi * vectors[j * n + e]!;
    }
  }
  return out;
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return out;
}

/**
 * Fréchet distance between two sets of statistics (see {@link featureStatistics}).
 *
 * @example
 * frechetDistanceFromStatistics(featureStatistics(generated), reference);
 */
export function frechetDistanceFromStatistics(a: FeatureStatistics, b: FeatureStatistics): number {
  const n = a.dimension;
  if (b.dimension !== n)
    throw new ShapeError({ argument: 'b.dimension', expected: `${n} (the dimension of a)`, received: b.dimension });
  let meanTerm = 0;
  for (let k = 0; k < n; k++) meanTerm += (a.mean[k]! - b.mean[k]!) ** 2;
  let traces = 0;
  for (let k = 0; k < n; k++) traces += a.covariance[k * n + k]! + b.covariance[k * n + k]!;
  const rootA = sqrtPsd(a.covariance, n);
  const product = multiply(multiply(rootA, b.covariance, n), rootA, n);
  const { values } = symmetricEigen(product, n);
  let traceRoot = 0;
  for (const value of values) traceRoot += Math.sqrt(Math.max(0, value));
  return meanTerm + traces - 2 * traceRoot;
}

/**
 * Fréchet distance between feature sets `a` and `b` (each n × d, flat row-major), e.g. classifier
 * features of generated and real images (FID-style).
 *
 * @example
 * const distance = frechetDistance(
 *   { data: await generatedFeatures.data(), dimension: 64 },
 *   { data: await realFeatures.data(), dimension: 64 },
 * );
 */
export function frechetDistance(a: PointSet, b: PointSet): number {
  return frechetDistanceFromStatistics(featureStatistics(a), featureStatistics(b));
}
