import { describeBackends } from '@diffuse/backends/testing';
import { ConfigError, expectNoTensorLeak, ShapeError } from '@diffuse/core';
import { ones, tensor1d, tensor4d, variableGrads } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { MlpDenoiser } from './mlp-denoiser.js';
import { sinusoidalEmbedding } from './sinusoidal-embedding.js';

describeBackends('MlpDenoiser', ({ backend }) => {
  it('embeds timesteps as [sin(tω), cos(tω)]', async () => {
    const t = tensor1d([0, 3]);
    const embedding = sinusoidalEmbedding(t, 4);
    // ω = [1, 10000^(−1/2) = 0.01]
    const expected = [0, 0, 1, 1, Math.sin(3), Math.sin(0.03), Math.cos(3), Math.cos(0.03)];
    // WebGPU's sin/cos (SwiftShader) are up to ~2e-4 off (docs/architecture.md): 5e-4 there, 5e-6 elsewhere.
    const digits = backend === 'webgpu' ? 3 : 5;
    expect(Array.from(await embedding.data())).toEqual(expected.map((x) => expect.closeTo(x, digits)));
    t.dispose();
    embedding.dispose();
  });

  it('computes the documented network, deterministically from its seed', async () => {
    const model = new MlpDenoiser({ config: { hiddenSize: 5, numLayers: 2, timeEmbeddingDimension: 4 }, seed: 1 });
    const sample = tensor4d([0.5, -1, 2, 0.25], [2, 1, 1, 2]);
    await expectNoTensorLeak(async () => {
      const output = model.predict({ sample, timestep: [10, 700] });
      expect(output.shape).toEqual([2, 1, 1, 2]);
      // Recompute in JS from the named weights.
      const weights = await model.getWeightArrays();
      const linear = (input: number[], name: string) => {
        const { shape, data } = weights[`${name}.kernel`]!;
        const bias = weights[`${name}.bias`]!.data;
        return Array.from({ length: shape[1]! }, (_, j) =>
          input.reduce((sum, x, i) => sum + x * data[i * shape[1]! + j]!, bias[j]!),
        );
      };
      const silu = (values: number[]) => values.map((x) => x / (1 + Math.exp(-x)));
      const values = await output.data();
      [
        [0.5, -1, 10],
        [2, 0.25, 700],
      ].forEach(([x, y, t], b) => {
        const embedding = [Math.sin(t!), Math.sin(t! / 100), Math.cos(t!), Math.cos(t! / 100)];
        let hidden = [x!, y!];
        for (const layer of [0, 1]) hidden = silu(linear([...hidden, ...embedding], `layers.${layer}`));
        const expected = linear(hidden, 'output');
        expect([values[2 * b], values[2 * b + 1]]).toEqual(expected.map((v) => expect.closeTo(v, 4)));
      });
      const again = new MlpDenoiser({ config: model.config, seed: 1 });
      const timesteps = tensor1d([10, 700]);
      const same = again.predict({ sample, timestep: timesteps });
      expect(Array.from(await same.data())).toEqual(Array.from(values));
      for (const t of [output, same, timesteps]) t.dispose();
      again.dispose();
    });
    sample.dispose();
    model.dispose();
  });

  it('has gradients for every weight and round-trips config and weights', async () => {
    const model = new MlpDenoiser({ config: { hiddenSize: 8 }, seed: 2 });
    const sample = ones([3, 1, 1, 2]);
    const { value, grads } = variableGrads(
      () =>
        model
          .predict({ sample: sample as never, timestep: 5 })
          .square()
          .sum()
          .asScalar(),
      [...model.trainableVariables],
    );
    expect(Object.keys(grads)).toHaveLength(2 * (3 + 1));
    const json = model.toConfigJson();
    expect(json).toEqual({
      _class_name: 'MlpDenoiser',
      dimension: 2,
      hidden_size: 8,
      num_layers: 3,
      time_embedding_dimension: 32,
    });
    const copy = MlpDenoiser.fromConfigAndWeights({ config: json, weights: await model.getWeightArrays() });
    const [a, b] = [
      model.predict({ sample: sample as never, timestep: 5 }),
      copy.predict({ sample: sample as never, timestep: 5 }),
    ];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    expect(() => MlpDenoiser.fromConfigAndWeights({ config: { ...json, widths: 3 }, weights: {} })).toThrow(
      ConfigError,
    );
    expect(() => model.predict({ sample: ones([3, 2, 1, 2]) as never, timestep: 5 })).toThrow(ShapeError);
    expect(() => copy.loadWeightArrays({ 'output.bias': { shape: [3], data: new Float32Array(3) } })).toThrow(
      /output\.bias|layers/,
    );
    for (const t of [value, ...Object.values(grads), a, b, sample]) t.dispose();
    model.dispose();
    copy.dispose();
    expect(() => model.predict({ sample: sample as never, timestep: 5 })).toThrow(/disposed/);
  });
});
