/**
 * The configuration of {@link UNet2DModel}: diffusers' `UNet2DModel` constructor arguments, camelCase in
 * code and snake_case in `config.json`, with diffusers' defaults.
 */
import {
  ConfigError,
  type JsonValue,
  readDiffusersConfig,
  requireBoolean,
  requireFinite,
  requireInteger,
  requireOneOf,
  writeDiffusersConfig,
} from '@diffuse/core';
import { ACTIVATION_NAMES, type ActivationName } from './layers.js';

/** `_class_name` of the diffusers model this configuration describes. */
export const UNET_2D_CLASS_NAME = 'UNet2DModel';

/** The diffusers version written into saved configs (the version whose semantics this port follows). */
export const UNET_2D_DIFFUSERS_VERSION = '0.40.0.dev0';

/** Down block types this port implements (diffusers' `UNetRes` prefix is accepted and dropped). */
export const DOWN_BLOCK_TYPES = ['DownBlock2D', 'AttnDownBlock2D', 'ResnetDownsampleBlock2D'] as const;
/** Up block types this port implements. */
export const UP_BLOCK_TYPES = ['UpBlock2D', 'AttnUpBlock2D', 'ResnetUpsampleBlock2D'] as const;
/** A supported down block type. */
export type DownBlockType = (typeof DOWN_BLOCK_TYPES)[number];
/** A supported up block type. */
export type UpBlockType = (typeof UP_BLOCK_TYPES)[number];
/** How timesteps become vectors: sinusoidal, Gaussian Fourier features of log σ, or a learned table. */
export type TimeEmbeddingType = 'positional' | 'fourier' | 'learned';

/**
 * Every field of diffusers' `UNet2DModel` config, camelCase. See diffusers' documentation of
 * `UNet2DModel` for the meaning of each; defaults are diffusers'.
 */
export interface UNet2DConfig {
  /** Height and width the model was trained at (informational): a number, `[height, width]` or null. */
  sampleSize: number | [number, number] | null;
  inChannels: number;
  outChannels: number;
  /** Maps inputs from [0, 1] to [-1, 1] (`2x - 1`) before the first convolution. */
  centerInputSample: boolean;
  timeEmbeddingType: TimeEmbeddingType;
  /** Width of the time embedding; null: `4 * blockOutChannels[0]`. */
  timeEmbeddingDim: number | null;
  /** Frequency shift of the sinusoidal embedding (`downscale_freq_shift`). */
  freqShift: number;
  /** Order `[cos, sin]` (true) or `[sin, cos]` (false) in the sinusoidal embedding. */
  flipSinToCos: boolean;
  downBlockTypes: DownBlockType[];
  /** `"UNetMidBlock2D"`, or null for no mid block. */
  midBlockType: 'UNetMidBlock2D' | null;
  upBlockTypes: UpBlockType[];
  blockOutChannels: number[];
  layersPerBlock: number;
  /** Output scale factor of the mid block's ResNets and attention. */
  midBlockScaleFactor: number;
  /** Padding of the stride-2 downsampling conv; 0 pads right/bottom by one (TF "same"). */
  downsamplePadding: number;
  /**
   * Downsampler of `AttnDownBlock2D`: a stride-2 conv or a ResNet with 2×2 average pooling (`DownBlock2D`
   * always uses the conv, `ResnetDownsampleBlock2D` always the ResNet, as in diffusers).
   */
  downsampleType: 'conv' | 'resnet';
  /**
   * Upsampler of `AttnUpBlock2D`: nearest ×2 then a conv, or a ResNet with nearest ×2 (`UpBlock2D` always
   * uses the conv, `ResnetUpsampleBlock2D` always the ResNet).
   */
  upsampleType: 'conv' | 'resnet';
  dropout: number;
  actFn: ActivationName;
  /** Channels per attention head; null: one head over all channels. */
  attentionHeadDim: number | null;
  normNumGroups: number;
  /** Groups of the mid attention's GroupNorm; null: `normNumGroups` with `default` time scale-shift, else none. */
  attnNormNumGroups: number | null;
  normEps: number;
  /** How ResNets use the time embedding: added (`default`) or as scale and shift (`scale_shift`). */
  resnetTimeScaleShift: 'default' | 'scale_shift';
  /** Attention in the mid block. */
  addAttention: boolean;
  /** `"timestep"` embeds class labels like timesteps; null with `numClassEmbeds` uses a lookup table. */
  classEmbedType: 'timestep' | null;
  numClassEmbeds: number | null;
  /** Rows of the `learned` time embedding table. */
  numTrainTimesteps: number | null;
}

/** What the constructor accepts: any subset of {@link UNet2DConfig}; the rest takes diffusers' defaults. */
export type UNet2DConfigInput = Partial<UNet2DConfig>;

/** diffusers' defaults for `UNet2DModel`. */
export const UNET_2D_DEFAULTS: Readonly<UNet2DConfig> = Object.freeze({
  sampleSize: null,
  inChannels: 3,
  outChannels: 3,
  centerInputSample: false,
  timeEmbeddingType: 'positional',
  timeEmbeddingDim: null,
  freqShift: 0,
  flipSinToCos: true,
  downBlockTypes: ['DownBlock2D', 'AttnDownBlock2D', 'AttnDownBlock2D', 'AttnDownBlock2D'],
  midBlockType: 'UNetMidBlock2D',
  upBlockTypes: ['AttnUpBlock2D', 'AttnUpBlock2D', 'AttnUpBlock2D', 'UpBlock2D'],
  blockOutChannels: [224, 448, 672, 896],
  layersPerBlock: 2,
  midBlockScaleFactor: 1,
  downsamplePadding: 1,
  downsampleType: 'conv',
  upsampleType: 'conv',
  dropout: 0,
  actFn: 'silu',
  attentionHeadDim: 8,
  normNumGroups: 32,
  attnNormNumGroups: null,
  normEps: 1e-5,
  resnetTimeScaleShift: 'default',
  addAttention: true,
  classEmbedType: null,
  numClassEmbeds: null,
  numTrainTimesteps: null,
} satisfies UNet2DConfig);

const KNOWN_KEYS = Object.keys(UNET_2D_DEFAULTS) as (keyof UNet2DConfig & string)[];

function positiveInteger(argument: string, value: unknown): number {
  return requireInteger(argument, value, { min: 1 });
}

function nullable<T>(value: unknown, check: (value: unknown) => T): T | null {
  return value === null || value === undefined ? null : check(value);
}

function blockTypes<T extends string>(argument: string, value: unknown, allowed: readonly T[]): T[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError({ argument, expected: 'a non-empty array of block type names', received: value });
  }
  return value.map((item, index) => {
    const name = typeof item === 'string' && item.startsWith('UNetRes') ? item.slice('UNetRes'.length) : item;
    return requireOneOf(`${argument}[${index}]`, name, allowed);
  });
}

/**
 * Fills defaults and validates a config; throws a `ConfigError` naming the first bad field.
 *
 * @example
 * const config = resolveUNet2DConfig({ blockOutChannels: [32, 64], downBlockTypes: ['DownBlock2D', 'DownBlock2D'],
 *   upBlockTypes: ['UpBlock2D', 'UpBlock2D'], normNumGroups: 8 });
 */
export function resolveUNet2DConfig(input: UNet2DConfigInput = {}): UNet2DConfig {
  const merged = {
    ...UNET_2D_DEFAULTS,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
  };
  const blockOutChannels = merged.blockOutChannels;
  if (!Array.isArray(blockOutChannels) || blockOutChannels.length === 0) {
    throw new ConfigError({ argument: 'blockOutChannels', expected: 'a non-empty array', received: blockOutChannels });
  }
  const config: UNet2DConfig = {
    sampleSize: resolveSampleSize(merged.sampleSize),
    inChannels: positiveInteger('inChannels', merged.inChannels),
    outChannels: positiveInteger('outChannels', merged.outChannels),
    centerInputSample: requireBoolean('centerInputSample', merged.centerInputSample),
    timeEmbeddingType: requireOneOf('timeEmbeddingType', merged.timeEmbeddingType, [
      'positional',
      'fourier',
      'learned',
    ]),
    timeEmbeddingDim: nullable(merged.timeEmbeddingDim, (v) => positiveInteger('timeEmbeddingDim', v)),
    freqShift: requireFinite('freqShift', merged.freqShift),
    flipSinToCos: requireBoolean('flipSinToCos', merged.flipSinToCos),
    downBlockTypes: blockTypes('downBlockTypes', merged.downBlockTypes, DOWN_BLOCK_TYPES),
    midBlockType: nullable(merged.midBlockType, (v) => requireOneOf('midBlockType', v, ['UNetMidBlock2D'])),
    upBlockTypes: blockTypes('upBlockTypes', merged.upBlockTypes, UP_BLOCK_TYPES),
    blockOutChannels: blockOutChannels.map((c, i) => positiveInteger(`blockOutChannels[${i}]`, c)),
    layersPerBlock: positiveInteger('layersPerBlock', merged.layersPerBlock),
    midBlockScaleFactor: requireFinite('midBlockScaleFactor', merged.midBlockScaleFactor),
    downsamplePadding: requireInteger('downsamplePadding', merged.downsamplePadding, { min: 0 }),
    downsampleType: requireOneOf('downsampleType', merged.downsampleType, ['conv', 'resnet']),
    upsampleType: requireOneOf('upsampleType', merged.upsampleType, ['conv', 'resnet']),
    dropout: requireFinite('dropout', merged.dropout),
    actFn: requireOneOf('actFn', merged.actFn, ACTIVATION_NAMES),
    attentionHeadDim: nullable(merged.attentionHeadDim, (v) => positiveInteger('attentionHeadDim', v)),
    normNumGroups: positiveInteger('normNumGroups', merged.normNumGroups),
    attnNormNumGroups: nullable(merged.attnNormNumGroups, (v) => positiveInteger('attnNormNumGroups', v)),
    normEps: requireFinite('normEps', merged.normEps),
    resnetTimeScaleShift: requireOneOf('resnetTimeScaleShift', merged.resnetTimeScaleShift, ['default', 'scale_shift']),
    addAttention: requireBoolean('addAttention', merged.addAttention),
    classEmbedType: resolveClassEmbedType(merged.classEmbedType),
    numClassEmbeds: nullable(merged.numClassEmbeds, (v) => positiveInteger('numClassEmbeds', v)),
    numTrainTimesteps: nullable(merged.numTrainTimesteps, (v) => positiveInteger('numTrainTimesteps', v)),
  };
  checkConsistency(config);
  return config;
}

function resolveSampleSize(value: unknown): UNet2DConfig['sampleSize'] {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) && value.length === 2) {
    return [positiveInteger('sampleSize[0]', value[0]), positiveInteger('sampleSize[1]', value[1])];
  }
  return positiveInteger('sampleSize', value);
}

function resolveClassEmbedType(value: unknown): UNet2DConfig['classEmbedType'] {
  if (value === 'identity') {
    throw new ConfigError({
      argument: 'classEmbedType',
      expected: 'null or "timestep"',
      received: value,
      hint: '"identity" takes precomputed [batch, timeEmbeddingDim] embeddings as class labels, which the Denoiser contract (integer labels) cannot carry',
    });
  }
  return nullable(value, (v) => requireOneOf('classEmbedType', v, ['timestep']));
}

function checkConsistency(config: UNet2DConfig): void {
  const levels = config.blockOutChannels.length;
  for (const [argument, list] of [
    ['downBlockTypes', config.downBlockTypes],
    ['upBlockTypes', config.upBlockTypes],
  ] as const) {
    if (list.length !== levels) {
      throw new ConfigError({
        argument,
        expected: `one entry per blockOutChannels entry (${levels})`,
        received: list,
      });
    }
  }
  if (config.dropout < 0 || config.dropout >= 1) {
    throw new ConfigError({ argument: 'dropout', expected: 'a probability in [0, 1)', received: config.dropout });
  }
  if (config.normEps <= 0) {
    throw new ConfigError({ argument: 'normEps', expected: 'a positive number', received: config.normEps });
  }
  if (config.timeEmbeddingType === 'learned' && config.numTrainTimesteps === null) {
    throw new ConfigError({
      argument: 'numTrainTimesteps',
      expected: 'an integer (the rows of the learned time embedding) when timeEmbeddingType is "learned"',
      received: null,
    });
  }
}

/**
 * Reads a diffusers `config.json` object (snake_case or camelCase keys; unknown keys warn) into a
 * resolved {@link UNet2DConfig}. A `_class_name` other than `UNet2DModel` is a `ConfigError`.
 *
 * @example
 * const config = readUNet2DConfig(JSON.parse(await readFile('unet/config.json', 'utf8')));
 */
export function readUNet2DConfig(json: unknown, options: { argument?: string } = {}): UNet2DConfig {
  const argument = options.argument ?? 'config';
  const parsed = readDiffusersConfig<UNet2DConfig>({ json, knownKeys: KNOWN_KEYS, argument, onUnknownKeys: 'warn' });
  if (parsed.className !== undefined && parsed.className !== UNET_2D_CLASS_NAME) {
    throw new ConfigError({
      argument: `${argument}._class_name`,
      expected: `"${UNET_2D_CLASS_NAME}"`,
      received: parsed.className,
      hint: 'This class loads diffusers UNet2DModel folders only',
    });
  }
  return resolveUNet2DConfig(parsed.config);
}

/**
 * Writes a config as diffusers' `config.json` object: `_class_name`, `_diffusers_version`, snake_case keys.
 *
 * @example
 * const json = writeUNet2DConfig(model.unetConfig); // { _class_name: 'UNet2DModel', block_out_channels: [...], ... }
 */
export function writeUNet2DConfig(config: UNet2DConfig): Record<string, JsonValue> {
  return writeDiffusersConfig({
    className: UNET_2D_CLASS_NAME,
    diffusersVersion: UNET_2D_DIFFUSERS_VERSION,
    config: structuredClone(config),
  });
}
