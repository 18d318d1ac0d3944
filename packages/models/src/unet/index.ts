/**
 * The diffusers-compatible `UNet2DModel` and its building blocks.
 */
export { type AttentionInput, type AttentionKernel, scaledDotProductAttention } from './attention.js';
export {
  type AttentionBlockOptions,
  attentionBlock,
  attentionBlockParameters,
  attentionHeads,
} from './attention-block.js';
export {
  currentWeightName,
  type NamedArray,
  type ShapeMismatch,
  WeightMismatchError,
  weightsFromDiffusers,
  weightsToDiffusers,
} from './diffusers-weights.js';
export { type DownBlockOptions, type Downsampler, downBlock, downBlockParameters } from './down-block.js';
export {
  DEFAULT_UNET_KERNELS,
  type DropoutNoise,
  dropout,
  type ForwardContext,
  normalize,
  type UNetKernels,
} from './forward-context.js';
export { type GroupNormInput, type GroupNormKernel, groupNorm } from './group-norm.js';
export {
  ACTIVATION_NAMES,
  type ActivationName,
  activation,
  averagePool2x,
  type ConvPadding,
  conv2d,
  linear,
  upsampleNearest2x,
  type Weights,
  weight,
} from './layers.js';
export { type MidBlockOptions, midBlock, midBlockParameters } from './mid-block.js';
export {
  convParameters,
  countParametersOf,
  embeddingParameters,
  fromTorchLayout,
  groupNormParameters,
  linearParameters,
  type ParameterInit,
  type ParameterLayout,
  type ParameterSpec,
  torchShape,
  toTorchLayout,
} from './parameter-spec.js';
export { downsampleConv, downsamplePadding, resampleConvParameters, upsampleConv } from './resample.js';
export { type ResnetBlockOptions, resnetBlock, resnetBlockParameters } from './resnet-block.js';
export {
  embeddingLookup,
  fourierEmbedding,
  sinusoidalFrequencies,
  type TimeProjectionOptions,
  timeProjection,
  timeProjectionParameters,
  timestepEmbedding,
  timestepMlp,
  timestepMlpParameters,
} from './timestep-embedding.js';
export {
  UNet2DModel,
  type UNet2DModelBytes,
  type UNet2DModelConstructor,
  type UNet2DModelOptions,
} from './unet-2d-model.js';
export {
  DOWN_BLOCK_TYPES,
  type DownBlockType,
  readUNet2DConfig,
  resolveUNet2DConfig,
  type TimeEmbeddingType,
  UNET_2D_CLASS_NAME,
  UNET_2D_DEFAULTS,
  UNET_2D_DIFFUSERS_VERSION,
  type UNet2DConfig,
  type UNet2DConfigInput,
  UP_BLOCK_TYPES,
  type UpBlockType,
  writeUNet2DConfig,
} from './unet-config.js';
export { type UNet2DForwardInput, unet2DForward } from './unet-forward.js';
export { type ClassEmbedding, countUNet2DParameters, planUNet2D, type UNet2DPlan } from './unet-plan.js';
export { type UpBlockOptions, type Upsampler, upBlock, upBlockParameters } from './up-block.js';
