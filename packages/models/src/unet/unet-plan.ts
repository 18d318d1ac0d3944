/**
 * The architecture of a `UNet2DModel` derived from its config: the options of every block, the table
 * of every parameter (names, shapes, layouts, in diffusers' order), and its parameter count, all computed
 * without allocating a tensor.
 */
import type { AttentionBlockOptions } from './attention-block.js';
import type { DownBlockOptions, Downsampler } from './down-block.js';
import { downBlockParameters } from './down-block.js';
import { type MidBlockOptions, midBlockParameters } from './mid-block.js';
import {
  convParameters,
  countParametersOf,
  embeddingParameters,
  groupNormParameters,
  type ParameterSpec,
} from './parameter-spec.js';
import type { ResnetBlockOptions } from './resnet-block.js';
import {
  type TimeProjectionOptions,
  timeProjectionParameters,
  timeProjectionWidth,
  timestepMlpParameters,
} from './timestep-embedding.js';
import { resolveUNet2DConfig, type UNet2DConfig, type UNet2DConfigInput } from './unet-config.js';
import { type UpBlockOptions, type Upsampler, upBlockParameters } from './up-block.js';

/** How class labels enter: a lookup table, the timestep embedding path, or not at all. */
export type ClassEmbedding = { kind: 'table'; rows: number } | { kind: 'timestep' } | null;

/** Everything the forward pass needs to know about the architecture. */
export interface UNet2DPlan {
  config: UNet2DConfig;
  timeEmbeddingDim: number;
  timeProjection: TimeProjectionOptions;
  classEmbedding: ClassEmbedding;
  downBlocks: DownBlockOptions[];
  midBlock: MidBlockOptions | null;
  upBlocks: UpBlockOptions[];
  /** Every parameter, in diffusers' registration (state-dict) order. */
  parameters: ParameterSpec[];
  /** Height and width must be multiples of this (2 to the number of downsamplers). */
  spatialMultiple: number;
}

/**
 * Derives the block structure and parameter table of a config (diffusers' `UNet2DModel.__init__`).
 *
 * @example
 * const plan = planUNet2D(resolveUNet2DConfig({ blockOutChannels: [32, 64], ... }));
 * plan.parameters.length;
 */
export function planUNet2D(config: UNet2DConfig): UNet2DPlan {
  const channels = config.blockOutChannels;
  const levels = channels.length;
  const first = channels[0]!;
  const last = channels[levels - 1]!;
  const timeEmbeddingDim = config.timeEmbeddingDim ?? 4 * first;
  const resnet = (inChannels: number, outChannels: number, extra: Partial<ResnetBlockOptions> = {}) => ({
    inChannels,
    outChannels,
    timeEmbeddingChannels: timeEmbeddingDim,
    groups: config.normNumGroups,
    epsilon: config.normEps,
    activation: config.actFn,
    timeScaleShift: config.resnetTimeScaleShift,
    dropout: config.dropout,
    outputScaleFactor: 1,
    ...extra,
  });
  const attention = (width: number, extra: Partial<AttentionBlockOptions> = {}): AttentionBlockOptions => ({
    channels: width,
    headDim: config.attentionHeadDim ?? width,
    groups: config.normNumGroups,
    epsilon: config.normEps,
    rescaleOutputFactor: 1,
    ...extra,
  });

  const downBlocks = config.downBlockTypes.map((type, index): DownBlockOptions => {
    const inChannels = index === 0 ? first : channels[index - 1]!;
    const outChannels = channels[index]!;
    const isAttention = type === 'AttnDownBlock2D';
    let downsampler: Downsampler = null;
    if (index < levels - 1) {
      downsampler =
        type === 'ResnetDownsampleBlock2D' || (isAttention && config.downsampleType === 'resnet')
          ? { kind: 'resnet', resnet: resnet(outChannels, outChannels, { resample: 'down' }) }
          : { kind: 'conv', channels: outChannels, padding: config.downsamplePadding };
    }
    return {
      index,
      resnets: Array.from({ length: config.layersPerBlock }, (_, i) =>
        resnet(i === 0 ? inChannels : outChannels, outChannels),
      ),
      attention: isAttention ? attention(outChannels) : null,
      downsampler,
    };
  });

  const midBlock: MidBlockOptions | null =
    config.midBlockType === null
      ? null
      : {
          resnet: resnet(last, last, { outputScaleFactor: config.midBlockScaleFactor }),
          attention: config.addAttention
            ? attention(last, {
                groups:
                  config.attnNormNumGroups ?? (config.resnetTimeScaleShift === 'default' ? config.normNumGroups : null),
                rescaleOutputFactor: config.midBlockScaleFactor,
              })
            : null,
        };

  const reversed = [...channels].reverse();
  const upBlocks = config.upBlockTypes.map((type, index): UpBlockOptions => {
    const previousOutput = reversed[Math.max(index - 1, 0)]!;
    const outChannels = reversed[index]!;
    const skipChannels = reversed[Math.min(index + 1, levels - 1)]!;
    const layers = config.layersPerBlock + 1;
    const isAttention = type === 'AttnUpBlock2D';
    let upsampler: Upsampler = null;
    if (index < levels - 1) {
      upsampler =
        type === 'ResnetUpsampleBlock2D' || (isAttention && config.upsampleType === 'resnet')
          ? { kind: 'resnet', resnet: resnet(outChannels, outChannels, { resample: 'up' }) }
          : { kind: 'conv', channels: outChannels };
    }
    return {
      index,
      resnets: Array.from({ length: layers }, (_, i) =>
        resnet((i === 0 ? previousOutput : outChannels) + (i === layers - 1 ? skipChannels : outChannels), outChannels),
      ),
      attention: isAttention ? attention(outChannels) : null,
      upsampler,
    };
  });

  const timeProjection: TimeProjectionOptions = {
    type: config.timeEmbeddingType,
    channels: first,
    flipSinToCos: config.flipSinToCos,
    freqShift: config.freqShift,
    numTrainTimesteps: config.numTrainTimesteps,
  };
  const projectionWidth = timeProjectionWidth(timeProjection);
  const classEmbedding: ClassEmbedding =
    config.classEmbedType === 'timestep'
      ? { kind: 'timestep' }
      : config.numClassEmbeds !== null
        ? { kind: 'table', rows: config.numClassEmbeds }
        : null;

  const parameters = [
    ...convParameters('conv_in', { inChannels: config.inChannels, outChannels: first, kernelSize: 3 }),
    ...timeProjectionParameters(timeProjection),
    ...timestepMlpParameters('time_embedding', { inFeatures: projectionWidth, dim: timeEmbeddingDim }),
    ...(classEmbedding?.kind === 'table'
      ? embeddingParameters('class_embedding', { rows: classEmbedding.rows, dim: timeEmbeddingDim })
      : classEmbedding?.kind === 'timestep'
        ? timestepMlpParameters('class_embedding', { inFeatures: projectionWidth, dim: timeEmbeddingDim })
        : []),
    ...downBlocks.flatMap(downBlockParameters),
    // diffusers registers `mid_block` after `up_blocks` (it is first assigned None), so it comes later in the state dict
    ...upBlocks.flatMap(upBlockParameters),
    ...(midBlock === null ? [] : midBlockParameters(midBlock)),
    ...groupNormParameters('conv_norm_out', { channels: first, groups: config.normNumGroups }),
    ...convParameters('conv_out', { inChannels: first, outChannels: config.outChannels, kernelSize: 3 }),
  ];
  const downsamplers = downBlocks.filter((block) => block.downsampler !== null).length;
  return {
    config,
    timeEmbeddingDim,
    timeProjection,
    classEmbedding,
    downBlocks,
    midBlock,
    upBlocks,
    parameters,
    spatialMultiple: 2 ** downsamplers,
  };
}

/**
 * The number of parameters of a `UNet2DModel` config (diffusers' `num_parameters()`), without building it.
 *
 * @example
 * countUNet2DParameters({ blockOutChannels: [128, 256, 256, 256], ... }); // 35_746_307 for google/ddpm-cifar10-32
 */
export function countUNet2DParameters(config: UNet2DConfigInput): number {
  return countParametersOf(planUNet2D(resolveUNet2DConfig(config)).parameters);
}
