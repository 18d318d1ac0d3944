import { describeBackends } from '@diffuse/backends/testing';
import { DDIMSampler } from './ddim-sampler.js';
import { DDPMSampler } from './ddpm-sampler.js';
import { describeSampler } from './testing.js';

describeBackends('sampler conformance', () => {
  describeSampler({
    name: 'DDPMSampler',
    create: (options) => new DDPMSampler(options),
    fromConfig: (json) => DDPMSampler.fromConfig(json),
    configs: [{}, { betaSchedule: 'squaredcos_cap_v2', numTrainTimesteps: 50, thresholding: true }],
  });
  describeSampler({
    name: 'DDPMSampler, learned_range variance (2C model output)',
    create: (options) => new DDPMSampler({ varianceType: 'learned_range', predictionType: 'v_prediction', ...options }),
    fromConfig: (json) => DDPMSampler.fromConfig(json),
    outputChannelsFactor: 2,
  });
  describeSampler({
    name: 'DDIMSampler',
    create: (options) => new DDIMSampler(options),
    fromConfig: (json) => DDIMSampler.fromConfig(json),
    configs: [{}, { trainedBetas: Array.from({ length: 20 }, (_, i) => 0.01 + i * 0.01), numTrainTimesteps: 20 }],
    stochasticStepOptions: { eta: 1 },
  });
});
