/**
 * Parity with PyTorch: every fixture case (diffusers' own UNet2DModel, float32) loads through
 * `fromFiles` and `predict` reproduces its output within the case's tolerance, on every backend.
 */
import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { UNet2DModel } from '../../src/index.js';
import {
  type CaseDescription,
  compareOutputs,
  fixtureCaseNames,
  readCase,
  readCaseFiles,
  readCaseTensors,
} from './fixture-cases.js';

const CASES = fixtureCaseNames();
/** Small enough for WebGPU on SwiftShader (~100× slower than wasm). */
const WEBGPU_CASES = new Set(['down-up-plain', 'attn-multihead', 'scale-shift', 'fourier']);

it('finds the fixture cases', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(13);
});

async function runCase(name: string, description: CaseDescription) {
  const tensors = readCaseTensors(name);
  const files = await readCaseFiles(name);
  const sample = tensors.get('sample')!;
  const labels = tensors.get('class_labels');
  const model = UNet2DModel.fromFiles(files);
  expect(model.numParameters).toBe(description.num_parameters);
  const input = tf.tensor4d(sample.data, sample.shape as [number, number, number, number]);
  const timestep = description.scalar_timestep ?? tf.tensor1d(tensors.get('timestep')!.data);
  const output = await expectNoTensorLeak(
    () =>
      model.predict({
        sample: input,
        timestep,
        ...(labels === undefined ? {} : { classLabels: Array.from(labels.data) }),
      }),
    { allowed: 1, label: `${name} predict` },
  );
  const got = (await output.data()) as Float32Array;
  const expected = tensors.get('expected')!;
  expect(output.shape).toEqual(expected.shape);
  tf.dispose([output, input, ...(timestep instanceof tf.Tensor ? [timestep] : [])]);
  model.dispose();
  return compareOutputs(got, expected.data, description.tolerance);
}

describeBackends('UNet2DModel matches diffusers (PyTorch float32)', ({ backend }) => {
  const cases = backend === 'webgpu' ? CASES.filter((name) => WEBGPU_CASES.has(name)) : CASES;
  let before = 0;
  beforeAll(() => {
    before = tf.memory().numTensors;
  });
  for (const name of cases) {
    it(name, async () => {
      const description = readCase(name);
      const { maxAbsError, worstRatio } = await runCase(name, description);
      // worstRatio ≤ 1 ⇔ |got − expected| ≤ atol + rtol·|expected| everywhere.
      expect(worstRatio, `max |error| ${maxAbsError}`).toBeLessThanOrEqual(1);
    });
  }
  it('leaves no tensors behind', () => {
    expect(tf.memory().numTensors).toBe(before);
  });
});
