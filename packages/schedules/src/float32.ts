/**
 * The two bits of float32 and NumPy arithmetic that diffusers' tables depend on, reproduced in
 * JavaScript so that our β come out bit for bit equal to diffusers' float32 tensors.
 */

/** Rounds to the nearest float32 (ties to even), returned as a JS number. */
export const float32 = Math.fround;

/**
 * `torch.linspace(start, end, n, dtype=torch.float32)` exactly (torch's CPU kernel): the step is the
 * float32 quotient of the float32 difference, the first half counts up from `start` and the second half
 * down from `end` (products and sums in float64, each result rounded to float32).
 */
export function linspaceFloat32(start: number, end: number, n: number): Float64Array {
  const first = float32(start);
  const last = float32(end);
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = first;
    return out;
  }
  const step = float32(float32(last - first) / (n - 1));
  const half = Math.floor(n / 2);
  for (let i = 0; i < n; i++) out[i] = i < half ? float32(first + step * i) : float32(last - step * (n - 1 - i));
  return out;
}

/** `numpy.round` / Python's `round`: halves go to the even neighbour (2.5 → 2, 3.5 → 4). */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
