/**
 * Per-element losses of a prediction against its target, d = prediction − target:
 *
 * - `mse`: d² (DDPM's L_simple, Ho et al. 2020, eq. (14)).
 * - `huber`: ½d² where |d| ≤ δ, else δ·(|d| − ½δ) — PyTorch's `huber_loss` (Huber 1964); δ defaults to 1.
 * - `pseudo_huber`: 2c·(√(d² + c²) − c) — the smooth Huber of diffusers' training scripts
 *   (`--loss_type huber`, after Charbonnier et al. 1994), ≈ d² for |d| ≪ c and ≈ 2c·|d| for |d| ≫ c;
 *   c defaults to 0.1 (diffusers' `--huber_c`).
 */
import { abs, minimum, sqrt, square, sub, type Tensor } from '@tensorflow/tfjs-core';

/** The per-element loss kinds. */
export const LOSS_KINDS = ['mse', 'huber', 'pseudo_huber'] as const;
/** A per-element loss kind (see {@link LOSS_KINDS}). */
export type LossKind = (typeof LOSS_KINDS)[number];

/** Default δ of `huber` and c of `pseudo_huber`. */
export const DEFAULT_HUBER_DELTA: Readonly<Record<Exclude<LossKind, 'mse'>, number>> = { huber: 1, pseudo_huber: 0.1 };

/**
 * The per-element loss tensor (same shape as `prediction`). Call inside `tidy`; differentiable.
 *
 * @example
 * const perElement = tf.tidy(() => elementwiseLoss({ prediction, target, kind: 'huber', huberDelta: 1 }));
 */
export function elementwiseLoss(options: {
  prediction: Tensor;
  target: Tensor;
  kind: LossKind;
  huberDelta: number;
}): Tensor {
  const difference = sub(options.prediction, options.target);
  const delta = options.huberDelta;
  switch (options.kind) {
    case 'mse':
      return square(difference);
    case 'huber': {
      // With q = min(|d|, δ): ½q² + δ·(|d| − q) — both branches in one expression, gradient d or δ·sign(d).
      const magnitude = abs(difference);
      const quadratic = minimum(magnitude, delta);
      return square(quadratic).mul(0.5).add(magnitude.sub(quadratic).mul(delta));
    }
    case 'pseudo_huber':
      return sqrt(square(difference).add(delta * delta))
        .sub(delta)
        .mul(2 * delta);
  }
}
