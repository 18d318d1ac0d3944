export {
  MLP_DENOISER_CLASS_NAME,
  MlpDenoiser,
  type MlpDenoiserConfig,
  type WeightArray,
} from './mlp-denoiser.js';
export { sinusoidalEmbedding } from './sinusoidal-embedding.js';
