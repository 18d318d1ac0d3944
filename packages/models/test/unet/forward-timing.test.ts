/**
 * Measurements, not assertions: run with `DIFFUSE_MEASURE=1 npx vitest run packages/models/test/unet/forward-timing`.
 * Times the google/ddpm-cifar10-32 U-Net (35.7 M parameters) forward pass at batch 1 and the GroupNorm
 * variants on the wasm backend.
 */
import { describeBackends } from '@diffuse/backends/testing';
import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { groupNorm, UNet2DModel } from '../../src/index.js';
import { DDPM_CIFAR10_CONFIG } from './ddpm-cifar10-config.js';

const enabled = typeof process !== 'undefined' && process.env.DIFFUSE_MEASURE === '1';

async function median(runs: number, body: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

describeBackends(
  'forward timing',
  ({ backend }) => {
    it.runIf(enabled)('ddpm-cifar10-32 batch 1, and GroupNorm', async () => {
      let start = performance.now();
      const model = new UNet2DModel(DDPM_CIFAR10_CONFIG);
      const buildMs = performance.now() - start;
      const sample = tf.randomNormal([1, 32, 32, 3]) as tf.Tensor4D;
      const forward = async () => {
        const output = model.predict({ sample, timestep: 500 });
        await output.data();
        output.dispose();
      };
      await forward();
      const forwardMs = await median(3, forward);
      start = performance.now();
      model.dispose();
      console.log(
        `[${backend}] ddpm-cifar10-32: build ${buildMs.toFixed(0)} ms, forward batch 1 ${forwardMs.toFixed(0)} ms`,
      );

      const x = tf.randomNormal([8, 32, 32, 128]) as tf.Tensor4D;
      const gamma = tf.ones([128]);
      const beta = tf.zeros([128]);
      const norm = async () => {
        const y = groupNorm({ x, gamma, beta, groups: 32, epsilon: 1e-6 });
        await y.data();
        y.dispose();
      };
      await norm();
      const normMs = await median(5, norm);
      const conv = tf.randomNormal([3, 3, 128, 128]) as tf.Tensor4D;
      const convolve = async () => {
        const y = tf.conv2d(x, conv, 1, 'same');
        await y.data();
        y.dispose();
      };
      await convolve();
      const convMs = await median(5, convolve);
      console.log(
        `[${backend}] GroupNorm [8,32,32,128] G=32: ${normMs.toFixed(1)} ms; conv3x3 128→128 same shape: ${convMs.toFixed(1)} ms`,
      );
      tf.dispose([sample, x, gamma, beta, conv]);
    });
  },
  { only: ['wasm'] },
);
