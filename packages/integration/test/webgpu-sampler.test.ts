/**
 * WebGPU in Node (Dawn) runs a whole sampler loop to the numbers of wasm: `@diffuse/samplers`' `sample()`
 * with DDIM (η = 0.5, so the seeded variance noise is exercised) and DDPM, driving the diffusers
 * UNet2DModel fixture `attn-multihead` (8×8×3, batch 2, 3 steps each). The noise comes from the
 * counter-based generator in JavaScript, so both backends see the same x_T and variance noise; what may
 * differ is float32 rounding in the kernels. Skipped with a note when WebGPU is unavailable and not required.
 */
import { join } from 'node:path';
import { initBackend } from '@diffuse/backends';
import { expectNoTensorLeak, NoiseGenerator, type Sampler } from '@diffuse/core';
import { readDiffusersModelFolder } from '@diffuse/io/node';
import { UNet2DModel } from '@diffuse/models';
import { DDIMSampler, DDPMSampler, sample } from '@diffuse/samplers';
import { beforeAll, expect, it } from 'vitest';
import { describeWebgpu, FIXTURES_FOLDER, maxDifference } from './webgpu-testing.js';

const fixture = join(FIXTURES_FOLDER, 'unet/attn-multihead');
const SHAPE = [2, 8, 8, 3] as const;
const NUM_INFERENCE_STEPS = 3;
/**
 * float32 across backends after a few U-Net evaluations (outputs of order 1–3; measured here: up to
 * 7e-4). A wrong kernel or misplaced noise moves values by 1e-1 or more.
 */
const TOLERANCE = 2e-3;

interface Loop {
  name: string;
  sampler: () => Sampler;
  eta?: number;
}

/** The samplers' defaults are diffusers' `DDPMScheduler()` defaults (linear β 1e-4 → 0.02, ε, x₀ clipping). */
const LOOPS: Loop[] = [
  { name: 'DDIM η = 0.5', sampler: () => new DDIMSampler(), eta: 0.5 },
  { name: 'DDPM', sampler: () => new DDPMSampler() },
];

/** Each loop's final sample and the x₀ predictions of every step, on the active backend. */
async function runLoops(): Promise<Map<string, { final: Float32Array; predictions: Float32Array[] }>> {
  const files = await readDiffusersModelFolder(fixture);
  const results = new Map<string, { final: Float32Array; predictions: Float32Array[] }>();
  await expectNoTensorLeak(async () => {
    const model = UNet2DModel.fromFiles(files);
    try {
      for (const loop of LOOPS) {
        const predictions: Float32Array[] = [];
        const final = await sample({
          denoiser: model,
          sampler: loop.sampler(),
          shape: SHAPE,
          numInferenceSteps: NUM_INFERENCE_STEPS,
          generator: new NoiseGenerator(5),
          ...(loop.eta === undefined ? {} : { eta: loop.eta }),
          onStep: async ({ predOriginalSample }) => {
            if (predOriginalSample) predictions.push((await predOriginalSample.data()) as Float32Array);
          },
        });
        results.set(loop.name, { final: (await final.data()) as Float32Array, predictions });
        final.dispose();
      }
    } finally {
      model.dispose();
    }
  });
  return results;
}

describeWebgpu('sampler loops on WebGPU (Node, Dawn)', () => {
  let wasm: Awaited<ReturnType<typeof runLoops>>;

  beforeAll(async () => {
    await initBackend({ prefer: 'wasm', env: {} });
    wasm = await runLoops();
    await initBackend({ prefer: 'webgpu', env: {} });
  });

  it('gives the final samples and every step’s x₀ estimate of wasm, within float32 tolerance', async () => {
    const webgpu = await runLoops();
    for (const loop of LOOPS) {
      const expected = wasm.get(loop.name)!;
      const got = webgpu.get(loop.name)!;
      expect(got.predictions).toHaveLength(NUM_INFERENCE_STEPS);
      got.predictions.forEach((prediction, step) => {
        expect(maxDifference(prediction, expected.predictions[step]!), `${loop.name}, x₀ at step ${step}`).toBeLessThan(
          TOLERANCE,
        );
      });
      const difference = maxDifference(got.final, expected.final);
      console.info(
        `webgpu-sampler: ${loop.name}: max |webgpu − wasm| of the final sample = ${difference.toExponential(2)}`,
      );
      expect(difference, `${loop.name}, final sample`).toBeLessThan(TOLERANCE);
      // A real image batch, not zeros: spread, and the two items differ.
      const half = got.final.length / 2;
      expect(maxDifference(got.final.slice(0, half), got.final.slice(half))).toBeGreaterThan(0.1);
    }
    // The samplers differ from each other, so each comparison is its own check.
    expect(maxDifference(webgpu.get('DDPM')!.final, webgpu.get('DDIM η = 0.5')!.final)).toBeGreaterThan(0.01);
  });
});
