/**
 * @diffuse/forward — the forward (noising) process as tensor functions: q(x_t | x_0) (`addNoise`),
 * q(x_t | x_{t−1}) (`forwardStep`), the posterior q(x_{t'} | x_t, x_0), the velocity, and conversions
 * between ε, x₀ and v predictions. Used by samplers, losses and training alike.
 */
export { addNoise, type ForwardStepOptions, forwardStep, getVelocity, type NoisingOptions } from './forward-process.js';
export { type Coefficient, coefficientOf, type NoiseLevel, perTimestep, signalAndSigma } from './noise-level.js';
export { type PosteriorCoefficients, type PosteriorLevels, posteriorCoefficients } from './posterior.js';
export {
  PREDICTION_TYPES,
  type PredictionOptions,
  predictionTarget,
  predictionToEpsilon,
  predictionToOriginal,
  predictionToVelocity,
} from './predictions.js';
