/**
 * Test-only stand-ins for `@diffuse/forward` and `@diffuse/losses` while those packages are written:
 * ε-prediction noising from a schedule's ᾱ table and a plain mean squared error. Excluded from the build
 * (`testing*.ts`); replace with the real packages in tests once they export these.
 */
import type { Loss, NoiseSchedule } from '@diffuse/core';
import { clone, gather, type Tensor4D, tensor1d, tidy } from '@tensorflow/tfjs-core';
import type { NoisingProcess } from './trainer.js';

export function epsilonNoising(schedule: NoiseSchedule): NoisingProcess {
  const sqrtAlphas = tensor1d(Float32Array.from(schedule.alphasCumprod, (a) => Math.sqrt(a)));
  const sqrtOneMinus = tensor1d(Float32Array.from(schedule.alphasCumprod, (a) => Math.sqrt(1 - a)));
  return {
    numTrainTimesteps: schedule.numTrainTimesteps,
    addNoise: ({ originalSamples, noise, timesteps }) =>
      tidy(() => {
        const a = gather(sqrtAlphas, timesteps).reshape([-1, 1, 1, 1]);
        const b = gather(sqrtOneMinus, timesteps).reshape([-1, 1, 1, 1]);
        return originalSamples.mul(a).add(noise.mul(b)) as Tensor4D;
      }),
    target: ({ noise }) => clone(noise),
  };
}

export const meanSquaredError: Loss = ({ prediction, target }) => tidy(() => prediction.sub(target).square().mean());
