/**
 * Exponential moving average of weights, with diffusers' `EMAModel` decay warmup.
 *
 * At optimisation step n (1-based, counted by {@link ExponentialMovingAverage.update}) and
 * k = max(0, n − updateAfterStep − 1):
 *
 *     decay = 0                                        if k = 0 (the average starts as a copy)
 *     decay = (1 + k) / (10 + k)                       default warmup
 *     decay = 1 − (1 + k / inverseGamma)^(−power)      with `powerWarmup` (diffusers' use_ema_warmup;
 *                                                      power 2/3 suits ~1M steps, 3/4 ~100k steps)
 *     decay = clamp(decay, minDecay, maxDecay)
 *     shadow ← shadow − (1 − decay)·(shadow − θ)
 */
import { requireFinite, requireInRange, requireInteger, StateError, ValueError } from '@diffuse/core';
import { clone, type Tensor, tidy, type Variable, variable } from '@tensorflow/tfjs-core';

/** Options of {@link ExponentialMovingAverage}. */
export interface EmaOptions {
  /** Upper bound of the decay (diffusers' `decay`, default 0.9999). */
  maxDecay?: number;
  /** Lower bound of the decay (default 0). */
  minDecay?: number;
  /** Steps to wait before averaging; until then the average copies the weights (default 0). */
  updateAfterStep?: number;
  /** Use the power warmup instead of (1 + k)/(10 + k) (default false). */
  powerWarmup?: boolean;
  /** γ⁻¹ of the power warmup (default 1). */
  inverseGamma?: number;
  /** Exponent of the power warmup (default 2/3). */
  power?: number;
}

/**
 * The decay used at optimisation step `step` (1-based), per the formulas above.
 *
 * @example
 * emaDecay(1, {}); // 0: the first update copies the weights
 * emaDecay(11, {}); // (1 + 10) / (10 + 10) = 0.55
 */
export function emaDecay(step: number, options: EmaOptions = {}): number {
  requireInteger('step', step, { min: 0 });
  const resolved = resolveEmaOptions(options);
  const k = Math.max(0, step - resolved.updateAfterStep - 1);
  if (k <= 0) return 0;
  const decay = resolved.powerWarmup ? 1 - (1 + k / resolved.inverseGamma) ** -resolved.power : (1 + k) / (10 + k);
  return Math.max(resolved.minDecay, Math.min(resolved.maxDecay, decay));
}

function resolveEmaOptions(options: EmaOptions): Required<EmaOptions> {
  const maxDecay = requireInRange('maxDecay', options.maxDecay ?? 0.9999, 0, 1);
  const minDecay = requireInRange('minDecay', options.minDecay ?? 0, 0, maxDecay);
  const inverseGamma = requireFinite('inverseGamma', options.inverseGamma ?? 1);
  if (inverseGamma <= 0)
    throw new ValueError({ argument: 'inverseGamma', expected: 'a number > 0', received: inverseGamma });
  return {
    maxDecay,
    minDecay,
    updateAfterStep: requireInteger('updateAfterStep', options.updateAfterStep ?? 0, { min: 0 }),
    powerWarmup: options.powerWarmup ?? false,
    inverseGamma,
    power: requireFinite('power', options.power ?? 2 / 3),
  };
}

/**
 * Shadow copies of named variables, averaged after each optimiser step.
 *
 * @example
 * const ema = new ExponentialMovingAverage({ variables: model.namedVariables, options: { maxDecay: 0.999 } });
 * // after each optimiser step:
 * ema.update();
 * ema.copyTo(otherModel.namedVariables); // sample with the averaged weights
 * ema.dispose();
 */
export class ExponentialMovingAverage {
  readonly options: Readonly<Required<EmaOptions>>;
  private readonly source: Readonly<Record<string, Variable>>;
  private readonly shadow: Record<string, Variable> = {};
  private stepCount = 0;
  private disposed = false;

  constructor(init: { variables: Readonly<Record<string, Variable>>; options?: EmaOptions }) {
    this.options = resolveEmaOptions(init.options ?? {});
    this.source = init.variables;
    for (const [name, parameter] of Object.entries(init.variables)) {
      this.shadow[name] = tidy(() => variable(clone(parameter), false));
    }
  }

  /** Number of updates so far (diffusers' `optimization_step`). */
  get step(): number {
    return this.stepCount;
  }

  /** The decay the next {@link update} will use. */
  get nextDecay(): number {
    return emaDecay(this.stepCount + 1, this.options);
  }

  /** Moves the average towards the current weights; returns the decay used. */
  update(): number {
    this.assertLive();
    const decay = this.nextDecay;
    tidy(() => {
      for (const [name, shadow] of Object.entries(this.shadow)) {
        const parameter = this.source[name]!;
        shadow.assign(shadow.sub(shadow.sub(parameter).mul(1 - decay)));
      }
    });
    this.stepCount += 1;
    return decay;
  }

  /** The averaged weights by name (the live shadow variables: do not dispose them). */
  get averagedVariables(): Readonly<Record<string, Variable>> {
    this.assertLive();
    return this.shadow;
  }

  /** Copies the averaged weights into `variables` (same names and shapes), e.g. a sampling copy of the model. */
  copyTo(variables: Readonly<Record<string, Variable>>): void {
    this.assertLive();
    for (const [name, shadow] of Object.entries(this.shadow)) {
      const target = variables[name];
      if (!target || target.shape.join() !== shadow.shape.join()) {
        throw new ValueError({
          argument: `variables.${name}`,
          expected: `a variable of shape [${shadow.shape.join(', ')}]`,
          received: target,
        });
      }
      target.assign(shadow);
    }
  }

  /** A copy of the state (new tensors owned by the caller) for checkpoints. */
  getState(): { step: number; weights: Record<string, Tensor> } {
    this.assertLive();
    return {
      step: this.stepCount,
      weights: Object.fromEntries(Object.entries(this.shadow).map(([name, value]) => [name, clone(value)])),
    };
  }

  /** Restores {@link getState}'s result; copies the tensors, does not dispose them. */
  setState(state: { step: number; weights: Readonly<Record<string, Tensor>> }): void {
    this.assertLive();
    for (const [name, shadow] of Object.entries(this.shadow)) {
      const value = state.weights[name];
      if (!value || value.shape.join() !== shadow.shape.join()) {
        throw new ValueError({
          argument: `state.weights.${name}`,
          expected: `a tensor of shape [${shadow.shape.join(', ')}]`,
          received: value,
        });
      }
      shadow.assign(value);
    }
    this.stepCount = requireInteger('state.step', state.step, { min: 0 });
  }

  /** Frees the shadow variables. */
  dispose(): void {
    if (this.disposed) return;
    for (const shadow of Object.values(this.shadow)) shadow.dispose();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new StateError({ argument: 'ema', expected: 'a live EMA', received: 'disposed' });
  }
}
