import { ConfigError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { unetConfigFor } from '../training/train-model.js';
import { readTrainSettings } from './train-command.js';

describe('readTrainSettings', () => {
  it('uses image defaults for Fashion-MNIST and the 2-D recipe for toy data', () => {
    const images = readTrainSettings({}, 'diffuse train');
    expect(images).toMatchObject({
      data: 'fashion-mnist',
      steps: 3000,
      batchSize: 32,
      learningRate: 1e-3,
      emaMaxDecay: 0.999,
    });
    expect(images.blockOutChannels).toEqual([16, 32, 64]);
    expect(images.attentionLevels).toEqual([2]);
    const points = readTrainSettings({ data: 'eight-gaussians' }, 'diffuse train --data eight-gaussians');
    expect(points).toMatchObject({
      steps: 1500,
      batchSize: 256,
      learningRate: 1e-2,
      warmupSteps: 100,
      emaMaxDecay: 0.995,
    });
    expect(points.out.endsWith('diffuse-eight-gaussians')).toBe(true);
  });

  it('maps --channels and --attention to diffusers block types', () => {
    const settings = readTrainSettings({ channels: '8,16,16', attention: '1', 'norm-groups': '4' }, 'x');
    const config = unetConfigFor(settings, 28, 1);
    expect(config.downBlockTypes).toEqual(['DownBlock2D', 'AttnDownBlock2D', 'DownBlock2D']);
    expect(config.upBlockTypes).toEqual(['UpBlock2D', 'AttnUpBlock2D', 'UpBlock2D']);
    expect(readTrainSettings({ attention: 'none' }, 'x').attentionLevels).toEqual([]);
  });

  it('refuses attention levels that do not exist', () => {
    expect(() => readTrainSettings({ channels: '16,32', attention: '2' }, 'x')).toThrow(ConfigError);
  });
});
