/**
 * Where on the schedule a computation happens: either ᾱ directly (a sampler's per-step JS number), or a
 * schedule and timesteps (training: one timestep per batch item). Coefficients come out as JS numbers
 * for a scalar, or as a small [B, 1, 1, 1] float32 tensor gathered per item.
 */
import type { NoiseSchedule, Timesteps } from '@diffuse/core';
import { requireFinite, requireInteger, ShapeError, ValueError } from '@diffuse/core';
import { cast, gather, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';

/**
 * A noise level: `{ alphaProd }` (ᾱ as a number, for the whole batch), or `{ schedule, timesteps }`
 * (a timestep for the whole batch, one per item as numbers, or a 1-D int32/float32 tensor of integers in
 * [0, T)). Tensor timesteps are gathered on the device without being read back, so they are not checked.
 */
export type NoiseLevel = { alphaProd: number } | { schedule: NoiseSchedule; timesteps: Timesteps };

/** A coefficient: a number for the whole batch or a [B, 1, …, 1] tensor (one per item, broadcastable). */
export type Coefficient = number | Tensor;

/**
 * `f(ᾱ_t)` as a {@link Coefficient}. Call inside `tidy`: a tensor coefficient is a new tensor.
 * `batch` is the leading dimension the result must broadcast against, `rank` the rank of the tensors it
 * multiplies (default 4, NHWC).
 */
export function coefficientOf(
  level: NoiseLevel,
  batch: number,
  f: (alphaProd: number) => number,
  rank = 4,
): Coefficient {
  if ('alphaProd' in level) return f(requireAlphaProd('alphaProd', level.alphaProd));
  const { alphasCumprod } = level.schedule;
  return perTimestep({ ...level, batch, rank, argument: 'timesteps', value: (t) => f(alphasCumprod[t]!) });
}

/** √ᾱ ("signal") and √(1 − ᾱ) ("sigma") of a noise level, as coefficients. Call inside `tidy`. */
export function signalAndSigma(
  level: NoiseLevel,
  batch: number,
  rank = 4,
): { signal: Coefficient; sigma: Coefficient } {
  return {
    signal: coefficientOf(level, batch, Math.sqrt, rank),
    sigma: coefficientOf(level, batch, (alphaProd) => Math.sqrt(1 - alphaProd), rank),
  };
}

/**
 * `value(t)` for each item's timestep: a number for a scalar timestep (or a list of one, broadcast like
 * diffusers' one-element timestep tensors), else a [B, 1, …, 1] tensor of rank `rank` (default 4; a
 * gather from the table of all T values when the timesteps are a tensor; [1, …, 1] for a one-element
 * tensor). Call inside `tidy`.
 */
export function perTimestep(options: {
  schedule: NoiseSchedule;
  timesteps: Timesteps;
  batch: number;
  /** Rank of the tensors the coefficient multiplies (default 4). */
  rank?: number;
  argument: string;
  value: (t: number) => number;
}): Coefficient {
  const { schedule, timesteps, batch, argument, value } = options;
  const rank = requireInteger('rank', options.rank ?? 4, { min: 1 });
  const trailing = new Array<number>(rank - 1).fill(1);
  const max = schedule.numTrainTimesteps - 1;
  if (typeof timesteps === 'number') return value(requireInteger(argument, timesteps, { min: 0, max }));
  if (Array.isArray(timesteps)) {
    if (timesteps.length !== batch && timesteps.length !== 1) {
      throw new ShapeError({ argument, expected: `${batch} timesteps (one per batch item) or 1`, received: timesteps });
    }
    const values = timesteps.map((t, i) => value(requireInteger(`${argument}[${i}]`, t, { min: 0, max })));
    return values.length === 1 ? values[0]! : tensor(values, [batch, ...trailing]);
  }
  const indices = timesteps as Tensor;
  if (indices.rank !== 1 || (indices.shape[0] !== batch && indices.shape[0] !== 1)) {
    throw new ShapeError({ argument, expected: `a 1-D tensor of ${batch} timesteps (or 1)`, received: indices.shape });
  }
  const table = tensor1d(Float32Array.from({ length: max + 1 }, (_, t) => value(t)));
  const gathered = gather(table, indices.dtype === 'int32' ? indices : cast(indices, 'int32'));
  return gathered.reshape([indices.shape[0]!, ...trailing]);
}

function requireAlphaProd(argument: string, value: number): number {
  const alphaProd = requireFinite(argument, value);
  if (alphaProd < 0 || alphaProd > 1) throw new ValueError({ argument, expected: 'ᾱ in [0, 1]', received: value });
  return alphaProd;
}

/** The batch size of `tensor` (its first axis); a rank-0 tensor has none: a ShapeError naming `argument`. */
export function batchOf(argument: string, tensor: Tensor): number {
  if (tensor.rank < 1) {
    throw new ShapeError({ argument, expected: 'a tensor with a batch axis first (rank ≥ 1)', received: tensor.shape });
  }
  return tensor.shape[0]!;
}
