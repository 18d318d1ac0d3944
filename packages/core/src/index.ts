/**
 * @diffuse/core — the spec every @diffuse package shares: types, typed errors, config helpers,
 * counter-based randomness and tensor ownership helpers. Importing it registers tfjs' gradients
 * and chained tensor ops (see `tfjs-registrations.ts`).
 */
import './tfjs-registrations.js';

export {
  type JsonValue,
  type ParsedConfig,
  readDiffusersConfig,
  toCamelCase,
  toSnakeCase,
  type UnknownKeyPolicy,
  writeDiffusersConfig,
} from './config.js';
export {
  BackendError,
  ConfigError,
  DiffuseError,
  type DiffuseErrorDetails,
  type DiffuseErrorKind,
  describeValue,
  FormatError,
  IoError,
  ShapeError,
  StateError,
  ValueError,
} from './errors.js';
export { type DrawOptions, NoiseGenerator, philox4x32 } from './rng.js';
export type {
  Conditioner,
  Denoiser,
  DenoiserInput,
  Loss,
  LossInput,
  LossReduction,
  NoiseGeneratorLike,
  NoiseSchedule,
  PredictionType,
  Sampler,
  SamplerStepOptions,
  SamplerStepOutput,
  SetTimestepsOptions,
  Timesteps,
} from './spec.js';
export { assertRank, assertShape, disposeAll, expectNoTensorLeak, liveTensorCount, tidyRecord } from './tensor.js';
export {
  requireBoolean,
  requireFinite,
  requireInRange,
  requireInteger,
  requireOneOf,
  requirePositive,
} from './validate.js';
