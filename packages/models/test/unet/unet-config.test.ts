/**
 * Config and parameter tables, no backend: defaults, reading and writing diffusers `config.json`, and
 * parameter names, shapes and counts against diffusers' (`param_counts.json`, written by PyTorch).
 */
import { readFileSync } from 'node:fs';
import { ConfigError, ValueError } from '@diffuse/core';
import { describe, expect, it, vi } from 'vitest';
import {
  countUNet2DParameters,
  planUNet2D,
  readUNet2DConfig,
  resolveUNet2DConfig,
  torchShape,
  UNET_2D_DEFAULTS,
  writeUNet2DConfig,
} from '../../src/index.js';
import { DDPM_CIFAR10_CONFIG, DDPM_CIFAR10_PARAMETERS } from './ddpm-cifar10-config.js';

interface ParamCounts {
  configs: Record<string, { config: Record<string, unknown>; num_parameters: number }>;
  param_list: { case: string; params: { name: string; shape: number[]; numel: number }[] };
}
const counts = JSON.parse(
  readFileSync(new URL('../fixtures/param_counts.json', import.meta.url), 'utf8'),
) as ParamCounts;

describe('UNet2DModel parameter counts equal diffusers', () => {
  for (const [name, { config, num_parameters }] of Object.entries(counts.configs)) {
    it(`${name}: ${num_parameters}`, () => {
      expect(countUNet2DParameters(readUNet2DConfig(config))).toBe(num_parameters);
    });
  }

  it('google/ddpm-cifar10-32 has 35,746,307 parameters', () => {
    expect(countUNet2DParameters(DDPM_CIFAR10_CONFIG)).toBe(DDPM_CIFAR10_PARAMETERS);
  });

  it('lists the parameters with diffusers names, PyTorch shapes and state-dict order', () => {
    const { case: caseName, params } = counts.param_list;
    const plan = planUNet2D(readUNet2DConfig(counts.configs[caseName]!.config));
    expect(plan.parameters.map((spec) => ({ name: spec.name, shape: torchShape(spec) }))).toEqual(
      params.map(({ name, shape }) => ({ name, shape })),
    );
  });

  it('counts ResnetDownsampleBlock2D / ResnetUpsampleBlock2D models as diffusers does', () => {
    // Counted by diffusers 58eb52c0 under PyTorch (`sum(p.numel() for p in UNet2DModel(**config).parameters())`);
    // both configs' outputs were also checked against PyTorch (max |error| 1.8e-6) while porting.
    const resnetBlocks = {
      sample_size: 8,
      block_out_channels: [16, 32, 32],
      down_block_types: ['ResnetDownsampleBlock2D', 'AttnDownBlock2D', 'AttnDownBlock2D'],
      up_block_types: ['AttnUpBlock2D', 'AttnUpBlock2D', 'ResnetUpsampleBlock2D'],
      layers_per_block: 1,
      norm_num_groups: 8,
      attention_head_dim: 8,
      downsample_type: 'resnet',
      upsample_type: 'resnet',
      resnet_time_scale_shift: 'scale_shift',
      num_class_embeds: 5,
    };
    expect(countUNet2DParameters(readUNet2DConfig(resnetBlocks))).toBe(358_707);
    const mixed = {
      sample_size: 8,
      block_out_channels: [16, 32],
      down_block_types: ['ResnetDownsampleBlock2D', 'DownBlock2D'],
      up_block_types: ['UpBlock2D', 'ResnetUpsampleBlock2D'],
      layers_per_block: 2,
      norm_num_groups: 8,
      attention_head_dim: null,
      act_fn: 'mish',
    };
    expect(countUNet2DParameters(readUNet2DConfig(mixed))).toBe(235_107);
  });

  it('counts the learned and timestep-class embeddings', () => {
    const base = {
      blockOutChannels: [8],
      downBlockTypes: ['DownBlock2D'],
      upBlockTypes: ['UpBlock2D'],
      normNumGroups: 4,
    };
    const plain = countUNet2DParameters(base as never);
    // learned table: 10 rows × 8 channels
    const learned = countUNet2DParameters({ ...base, timeEmbeddingType: 'learned', numTrainTimesteps: 10 } as never);
    expect(learned - plain).toBe(80);
    // class_embedding as a TimestepEmbedding: linear_1 (8→32) and linear_2 (32→32)
    const timestepClasses = countUNet2DParameters({ ...base, classEmbedType: 'timestep' } as never);
    expect(timestepClasses - plain).toBe(8 * 32 + 32 + 32 * 32 + 32);
  });
});

describe('UNet2DModel config', () => {
  it("has diffusers' defaults", () => {
    const config = resolveUNet2DConfig();
    expect(config).toEqual({ ...UNET_2D_DEFAULTS });
    expect(config.blockOutChannels).toEqual([224, 448, 672, 896]);
    expect(config.attentionHeadDim).toBe(8);
    expect(config.normEps).toBe(1e-5);
    expect(config.flipSinToCos).toBe(true);
  });

  it('reads snake_case and camelCase keys, and warns about unknown keys', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const snake = readUNet2DConfig({
      _class_name: 'UNet2DModel',
      block_out_channels: [32, 64],
      down_block_types: ['DownBlock2D', 'AttnDownBlock2D'],
      up_block_types: ['AttnUpBlock2D', 'UpBlock2D'],
      norm_num_groups: 8,
    });
    const camel = readUNet2DConfig({
      blockOutChannels: [32, 64],
      downBlockTypes: ['DownBlock2D', 'AttnDownBlock2D'],
      upBlockTypes: ['AttnUpBlock2D', 'UpBlock2D'],
      normNumGroups: 8,
    });
    expect(snake).toEqual(camel);
    expect(warn).not.toHaveBeenCalled();
    readUNet2DConfig({ ...writeUNet2DConfig(camel), some_future_option: 1 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/some_future_option/);
    warn.mockRestore();
  });

  it('writes diffusers config.json and reads it back', () => {
    const config = resolveUNet2DConfig(DDPM_CIFAR10_CONFIG);
    const json = writeUNet2DConfig(config);
    expect(json._class_name).toBe('UNet2DModel');
    expect(json.block_out_channels).toEqual([128, 256, 256, 256]);
    expect(json.attention_head_dim).toBeNull();
    expect(json.resnet_time_scale_shift).toBe('default');
    expect(Object.keys(json).every((key) => !/[A-Z]/.test(key))).toBe(true);
    expect(readUNet2DConfig(json)).toEqual(config);
  });

  it('accepts the UNetRes prefix of block types', () => {
    const config = resolveUNet2DConfig({
      blockOutChannels: [8],
      downBlockTypes: ['UNetResDownBlock2D' as never],
      upBlockTypes: ['UpBlock2D'],
    });
    expect(config.downBlockTypes).toEqual(['DownBlock2D']);
  });

  it('refuses bad configs with typed errors naming the field', () => {
    expect(() => readUNet2DConfig({ _class_name: 'UNet2DConditionModel' })).toThrow(/_class_name/);
    expect(() => resolveUNet2DConfig({ downBlockTypes: ['CrossAttnDownBlock2D' as never] })).toThrow(ConfigError);
    expect(() => resolveUNet2DConfig({ blockOutChannels: [32, 64] })).toThrow(/downBlockTypes/);
    expect(() => resolveUNet2DConfig({ resnetTimeScaleShift: 'spatial' as never })).toThrow(/resnetTimeScaleShift/);
    expect(() => resolveUNet2DConfig({ layersPerBlock: 0 })).toThrow(ValueError);
    expect(() => resolveUNet2DConfig({ classEmbedType: 'identity' as never })).toThrow(/identity/);
    expect(() => resolveUNet2DConfig({ timeEmbeddingType: 'learned' })).toThrow(/numTrainTimesteps/);
    expect(() => resolveUNet2DConfig({ dropout: 1 })).toThrow(/dropout/);
    // 224 channels cannot be split into 48 groups
    expect(() => planUNet2D(resolveUNet2DConfig({ normNumGroups: 48 }))).toThrow(/normNumGroups/);
    expect(() => planUNet2D(resolveUNet2DConfig({ attentionHeadDim: 1000 }))).toThrow(/attentionHeadDim/);
  });
});
