/**
 * WebGPU in Node (Dawn, through the `webgpu` package) computes the same U-Net forward as wasm and as
 * PyTorch: the diffusers UNet2DModel fixture `attn-multihead` (attention, GroupNorm, up/down sampling),
 * batch 2, 8×8×3, two timesteps. On machines without a GPU, Dawn runs on SwiftShader
 * (`VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`). Skipped with a note when WebGPU is
 * unavailable and `DIFFUSE_TEST_BACKENDS` does not list plain `webgpu` (which makes it required).
 */
import { join } from 'node:path';
import { initBackend } from '@diffuse/backends';
import { expectNoTensorLeak } from '@diffuse/core';
import { readSafetensors } from '@diffuse/io';
import { readDiffusersModelFolder, readFileBytes } from '@diffuse/io/node';
import { UNet2DModel } from '@diffuse/models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { describeWebgpu, FIXTURES_FOLDER, maxDifference } from './webgpu-testing.js';

const fixture = join(FIXTURES_FOLDER, 'unet/attn-multihead');

interface Case {
  sample: Float32Array;
  shape: [number, number, number, number];
  timesteps: number[];
  expected: Float32Array;
}

async function readCase(): Promise<Case> {
  const io = readSafetensors(await readFileBytes(join(fixture, 'io.safetensors')));
  const sample = io.tensors.get('sample')!;
  return {
    sample: sample.data,
    shape: sample.shape as Case['shape'],
    timesteps: Array.from(io.tensors.get('timestep')!.data),
    expected: io.tensors.get('expected')!.data,
  };
}

/** One forward pass of the fixture model on the active backend; leaves no tensor behind. */
async function forward(testCase: Case): Promise<Float32Array> {
  const files = await readDiffusersModelFolder(fixture);
  return expectNoTensorLeak(async () => {
    const model = UNet2DModel.fromFiles(files);
    const sample = tf.tensor4d(testCase.sample, testCase.shape);
    const output = model.predict({ sample, timestep: testCase.timesteps });
    const values = (await output.data()) as Float32Array;
    tf.dispose([sample, output]);
    model.dispose();
    return values;
  });
}

describeWebgpu('UNet2DModel forward on WebGPU (Node, Dawn)', () => {
  let testCase: Case;
  let wasmOutput: Float32Array;

  beforeAll(async () => {
    testCase = await readCase();
    await initBackend({ prefer: 'wasm', env: {} });
    wasmOutput = await forward(testCase);
    await initBackend({ prefer: 'webgpu', env: {} });
  });

  it('equals wasm and PyTorch within float32 tolerance', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const webgpuOutput = await forward(testCase);
    expect(webgpuOutput.length).toBe(testCase.expected.length);
    // The fixture's tolerance against PyTorch: |got − expected| ≤ 1e-4 + 1e-4·|expected|.
    testCase.expected.forEach((expected, i) => {
      expect(Math.abs(webgpuOutput[i]! - expected)).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(expected));
    });
    // Across backends: the same float32 program, different kernels and summation orders.
    const difference = maxDifference(webgpuOutput, wasmOutput);
    console.info(
      `webgpu-unet: max |webgpu − wasm| = ${difference.toExponential(2)} over ${webgpuOutput.length} values`,
    );
    expect(difference).toBeLessThan(1e-4);
    // Not trivially equal: the output is not constant.
    expect(Math.max(...webgpuOutput) - Math.min(...webgpuOutput)).toBeGreaterThan(1);
  });
});
