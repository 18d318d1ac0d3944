/** The `google/ddpm-cifar10-32` UNet2DModel configuration (35,746,307 parameters in diffusers). */
import type { UNet2DConfigInput } from '../../src/index.js';

export const DDPM_CIFAR10_CONFIG: UNet2DConfigInput = {
  sampleSize: 32,
  inChannels: 3,
  outChannels: 3,
  blockOutChannels: [128, 256, 256, 256],
  downBlockTypes: ['DownBlock2D', 'AttnDownBlock2D', 'DownBlock2D', 'DownBlock2D'],
  upBlockTypes: ['UpBlock2D', 'UpBlock2D', 'AttnUpBlock2D', 'UpBlock2D'],
  layersPerBlock: 2,
  attentionHeadDim: null,
  normEps: 1e-6,
  downsamplePadding: 0,
  flipSinToCos: false,
  freqShift: 1,
  normNumGroups: 32,
  actFn: 'silu',
  timeEmbeddingType: 'positional',
  resnetTimeScaleShift: 'default',
  centerInputSample: false,
  midBlockScaleFactor: 1,
};

/** Its parameter count in diffusers. */
export const DDPM_CIFAR10_PARAMETERS = 35_746_307;
