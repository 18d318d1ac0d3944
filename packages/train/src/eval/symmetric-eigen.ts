/**
 * Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * "Matrix Computations", §8.5), in float64. Slow (O(n³) per sweep) but unconditionally stable and
 * accurate to machine precision, which is what Fréchet distances on a few hundred features need.
 */
import { ShapeError, ValueError } from '@diffuse/core';

/** The result of {@link symmetricEigen}: A = V·diag(values)·Vᵀ. */
export interface SymmetricEigenResult {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as the columns of a row-major n × n matrix, in the order of `values`. */
  vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of the symmetric n × n row-major matrix `matrix` (only its symmetric part
 * (A + Aᵀ)/2 is used; the input is not modified).
 *
 * @example
 * const { values } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2); // [1, 3]
 */
export function symmetricEigen(
  matrix: ArrayLike<number>,
  n: number,
  options: { maxSweeps?: number } = {},
): SymmetricEigenResult {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) {
    throw new ShapeError({
      argument: 'matrix',
      expected: `${n} × ${n} = ${n * n} numbers`,
      received: `length ${matrix.length}`,
    });
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (matrix[i * n + j]! + matrix[j * n + i]!);
  }
  if (!a.every(Number.isFinite))
    throw new ValueError({ argument: 'matrix', expected: 'finite numbers', received: 'NaN or ±∞' });
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const maxSweeps = options.maxSweeps ?? 100;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! * a[i]!;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offDiagonal += a[p * n + q]! * a[p * n + q]!;
    if (offDiagonal <= 1e-30 * total || offDiagonal === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // Rotation J(p, q, θ) that zeroes a_pq: t = tan θ, the smaller root of t² + 2θt − 1 = 0.
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((source, target) => {
    for (let k = 0; k < n; k++) vectors[k * n + target] = v[k * n + source]!;
  });
  return { values, vectors };
}
