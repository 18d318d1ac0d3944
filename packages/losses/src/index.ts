/**
 * @diffuse/losses — diffusion training losses: prediction-type-aware targets and MSE (DDPM's L_simple),
 * Min-SNR-γ weighting, Huber and pseudo-Huber, per-example weights and masks.
 */
export {
  createDiffusionLoss,
  type DiffusionLossOptions,
  diffusionLoss,
  type LossWeighting,
} from './diffusion-loss.js';
export { DEFAULT_HUBER_DELTA, elementwiseLoss, LOSS_KINDS, type LossKind } from './elementwise-loss.js';
export { minSnrWeight, minSnrWeights, signalToNoiseRatios } from './min-snr.js';
export { type TargetForOptions, targetFor } from './target-for.js';
