import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak } from '@diffuse/core';
import { type Tensor, tensor1d, tidy, train, variable, variableGrads } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { AdamOptimizer } from './adam.js';

/** Reference AdamW / Adam-L2 in float64 JS (PyTorch's formulas), for one parameter vector. */
function referenceAdam(
  initial: number[],
  gradients: number[][],
  options: { learningRate: number; weightDecay: number; decoupled: boolean },
): number[] {
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  let theta = [...initial];
  let m = theta.map(() => 0);
  let v = theta.map(() => 0);
  gradients.forEach((gradient, index) => {
    const t = index + 1;
    const g = gradient.map((x, i) => (options.decoupled ? x : x + options.weightDecay * theta[i]!));
    if (options.decoupled) theta = theta.map((x) => x * (1 - options.learningRate * options.weightDecay));
    m = m.map((x, i) => beta1 * x + (1 - beta1) * g[i]!);
    v = v.map((x, i) => beta2 * x + (1 - beta2) * g[i]! ** 2);
    const stepSize = options.learningRate / (1 - beta1 ** t);
    const root = Math.sqrt(1 - beta2 ** t);
    theta = theta.map((x, i) => x - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / root + epsilon));
  });
  return theta;
}

describeBackends('AdamOptimizer', () => {
  const gradients = [
    [0.5, -1, 2],
    [0.1, 0.2, -0.3],
    [-2, 0.01, 1],
    [1, 1, 1],
  ];

  for (const [label, weightDecay, decoupled] of [
    ['Adam', 0, true],
    ['AdamW', 0.1, true],
    ['Adam with L2', 0.1, false],
  ] as const) {
    it(`${label} matches PyTorch's update rule`, async () => {
      await expectNoTensorLeak(async () => {
        const weight = tidy(() => variable(tensor1d([1, -0.5, 0.25])));
        const optimizer = new AdamOptimizer({
          variables: { weight },
          options: { weightDecay, decoupledWeightDecay: decoupled },
        });
        for (const gradient of gradients) {
          const g = tensor1d(gradient);
          optimizer.applyGradients({ gradients: { weight: g }, learningRate: 0.05 });
          g.dispose();
        }
        const expected = referenceAdam([1, -0.5, 0.25], gradients, { learningRate: 0.05, weightDecay, decoupled });
        expect(Array.from(await weight.data())).toEqual(expected.map((x) => expect.closeTo(x, 5)));
        expect(optimizer.step).toBe(4);
        weight.dispose();
        optimizer.dispose();
      });
    });
  }

  it('matches tf.train.adam on a quadratic', async () => {
    const ours = tidy(() => variable(tensor1d([1, 2, 3])));
    const theirs = tidy(() => variable(tensor1d([1, 2, 3])));
    const optimizer = new AdamOptimizer({ variables: { ours } });
    const reference = train.adam(0.01, 0.9, 0.999, 1e-8);
    const objective = (x: Tensor) => () => x.square().sum().add(x.sum()).asScalar();
    for (let i = 0; i < 20; i++) {
      const { value, grads } = variableGrads(objective(ours), [ours]);
      optimizer.applyGradients({ gradients: { ours: grads[ours.name]! }, learningRate: 0.01 });
      value.dispose();
      grads[ours.name]!.dispose();
      reference.minimize(objective(theirs), false, [theirs]);
    }
    const expected = Array.from(await theirs.data());
    expect(Array.from(await ours.data())).toEqual(expected.map((x) => expect.closeTo(x, 5)));
    for (const t of [ours, theirs]) t.dispose();
    optimizer.dispose();
    reference.dispose();
  });

  it('round-trips its state, and a restored copy continues identically', async () => {
    const first = tidy(() => variable(tensor1d([1, 2])));
    const second = tidy(() => variable(tensor1d([1, 2])));
    const a = new AdamOptimizer({ variables: { w: first } });
    const b = new AdamOptimizer({ variables: { w: second } });
    const g = tensor1d([0.3, -0.7]);
    a.applyGradients({ gradients: { w: g }, learningRate: 0.1 });
    const state = a.getState();
    second.assign(first);
    b.setState(state);
    a.applyGradients({ gradients: { w: g }, learningRate: 0.1 });
    b.applyGradients({ gradients: { w: g }, learningRate: 0.1 });
    expect(Array.from(await second.data())).toEqual(Array.from(await first.data()));
    expect(() => a.applyGradients({ gradients: { other: g }, learningRate: 0.1 })).toThrow(/gradients\.other/);
    for (const t of [first, second, g, state.firstMoments.w!, state.secondMoments.w!]) t.dispose();
    a.dispose();
    b.dispose();
  });
});
