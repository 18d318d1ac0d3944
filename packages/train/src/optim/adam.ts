/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019, "Decoupled weight decay
 * regularization"), written out so their state can be checkpointed and restored exactly.
 * Numbers follow `torch.optim.Adam` / `torch.optim.AdamW` (non-AMSGrad).
 */
import { requireFinite, requireInRange, StateError, ValueError } from '@diffuse/core';
import { clone, type Tensor, tidy, type Variable, variable, zerosLike } from '@tensorflow/tfjs-core';

/** Options of {@link AdamOptimizer}. */
export interface AdamOptions {
  /** β₁, decay of the first-moment average (default 0.9). */
  beta1?: number;
  /** β₂, decay of the second-moment average (default 0.999). */
  beta2?: number;
  /** ε added to the denominator (default 1e-8). */
  epsilon?: number;
  /** Weight decay λ (default 0). */
  weightDecay?: number;
  /**
   * `true` (default): AdamW, decoupled decay θ ← θ·(1 − lr·λ) before the Adam update.
   * `false`: Adam with L2 regularisation, g ← g + λ·θ (PyTorch's `Adam(weight_decay=λ)`).
   */
  decoupledWeightDecay?: boolean;
}

/** The optimiser's state, for checkpoints: the step count and both moment estimates per variable. */
export interface AdamState {
  /** Number of updates applied so far (t in the paper). */
  step: number;
  /** m, by variable name. */
  firstMoments: Record<string, Tensor>;
  /** v, by variable name. */
  secondMoments: Record<string, Tensor>;
}

/**
 * Adam/AdamW over a named set of variables. Per update t (1-based):
 *
 *     θ ← θ·(1 − lr·λ)                       (AdamW only)
 *     m ← β₁·m + (1 − β₁)·g ;  v ← β₂·v + (1 − β₂)·g²
 *     θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * @example
 * const optimizer = new AdamOptimizer({ variables: { weight }, options: { weightDecay: 0.01 } });
 * optimizer.applyGradients({ gradients: { weight: gradient }, learningRate: 1e-3 });
 * optimizer.dispose();
 */
export class AdamOptimizer {
  readonly options: Readonly<Required<AdamOptions>>;
  private readonly variables: Readonly<Record<string, Variable>>;
  private readonly firstMoments: Record<string, Variable> = {};
  private readonly secondMoments: Record<string, Variable> = {};
  private stepCount = 0;
  private disposed = false;

  constructor(init: { variables: Readonly<Record<string, Variable>>; options?: AdamOptions }) {
    const options = init.options ?? {};
    this.options = {
      beta1: requireInRange('beta1', options.beta1 ?? 0.9, 0, 0.999999),
      beta2: requireInRange('beta2', options.beta2 ?? 0.999, 0, 0.999999999),
      epsilon: requireFinite('epsilon', options.epsilon ?? 1e-8),
      weightDecay: requireInRange('weightDecay', options.weightDecay ?? 0, 0, Number.MAX_VALUE),
      decoupledWeightDecay: options.decoupledWeightDecay ?? true,
    };
    this.variables = init.variables;
    for (const [name, parameter] of Object.entries(init.variables)) {
      this.firstMoments[name] = tidy(() => variable(zerosLike(parameter), false));
      this.secondMoments[name] = tidy(() => variable(zerosLike(parameter), false));
    }
  }

  /** Number of updates applied so far. */
  get step(): number {
    return this.stepCount;
  }

  /**
   * Applies one update. `gradients` maps variable names to gradients (names without a gradient are
   * left unchanged, as PyTorch skips parameters whose `.grad` is None). Does not dispose the gradients.
   */
  applyGradients(input: { gradients: Readonly<Record<string, Tensor>>; learningRate: number }): void {
    this.assertLive();
    const learningRate = requireFinite('learningRate', input.learningRate);
    const { beta1, beta2, epsilon, weightDecay, decoupledWeightDecay } = this.options;
    const t = this.stepCount + 1;
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
    const stepSize = learningRate / biasCorrection1;
    tidy(() => {
      for (const [name, rawGradient] of Object.entries(input.gradients)) {
        const parameter = this.variables[name];
        const firstMoment = this.firstMoments[name];
        const secondMoment = this.secondMoments[name];
        if (!parameter || !firstMoment || !secondMoment) {
          throw new ValueError({
            argument: `gradients.${name}`,
            expected: `a gradient for one of the optimiser's variables (${Object.keys(this.variables).join(', ')})`,
            received: name,
          });
        }
        let gradient = rawGradient;
        let weights: Tensor = parameter;
        if (weightDecay !== 0 && decoupledWeightDecay) weights = weights.mul(1 - learningRate * weightDecay);
        if (weightDecay !== 0 && !decoupledWeightDecay) gradient = gradient.add(parameter.mul(weightDecay));
        const m = firstMoment.mul(beta1).add(gradient.mul(1 - beta1));
        const v = secondMoment.mul(beta2).add(gradient.square().mul(1 - beta2));
        const denominator = v.sqrt().div(biasCorrection2Sqrt).add(epsilon);
        firstMoment.assign(m);
        secondMoment.assign(v);
        parameter.assign(weights.sub(m.div(denominator).mul(stepSize)));
      }
    });
    this.stepCount = t;
  }

  /** A copy of the state (new tensors, owned by the caller). */
  getState(): AdamState {
    this.assertLive();
    const copy = (record: Record<string, Variable>) =>
      Object.fromEntries(Object.entries(record).map(([name, value]) => [name, clone(value)]));
    return { step: this.stepCount, firstMoments: copy(this.firstMoments), secondMoments: copy(this.secondMoments) };
  }

  /** Restores a state from {@link getState} (or a checkpoint); copies the tensors, does not dispose them. */
  setState(state: AdamState): void {
    this.assertLive();
    for (const [label, source, target] of [
      ['firstMoments', state.firstMoments, this.firstMoments],
      ['secondMoments', state.secondMoments, this.secondMoments],
    ] as const) {
      for (const [name, moment] of Object.entries(target)) {
        const value = source[name];
        if (!value || value.shape.join() !== moment.shape.join()) {
          throw new ValueError({
            argument: `state.${label}.${name}`,
            expected: `a tensor of shape [${moment.shape.join(', ')}]`,
            received: value,
          });
        }
        moment.assign(value);
      }
    }
    this.stepCount = state.step;
  }

  /** Frees the moment estimates (not the optimised variables). */
  dispose(): void {
    if (this.disposed) return;
    for (const moment of [...Object.values(this.firstMoments), ...Object.values(this.secondMoments)]) moment.dispose();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed)
      throw new StateError({ argument: 'optimizer', expected: 'a live optimiser', received: 'disposed' });
  }
}
