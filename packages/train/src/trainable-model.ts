/** What the loop needs from a model: a `Denoiser` with named trainable variables. */
import { type Denoiser, ValueError } from '@diffuse/core';
import type { Variable } from '@tensorflow/tfjs-core';

/**
 * A denoiser the loop can train. Names key checkpoints and optimiser state, so models should expose
 * `namedVariables` (stable names such as diffusers' parameter names); otherwise `trainableVariables`
 * are named by position (`parameters.0`, `parameters.1`, …).
 */
export type TrainableModel = Denoiser & {
  readonly namedVariables?: Readonly<Record<string, Variable>>;
};

/**
 * The model's trainable variables by name.
 *
 * @example
 * const variables = namedVariablesOf(model); // { 'layers.0.kernel': Variable, … }
 */
export function namedVariablesOf(model: TrainableModel): Readonly<Record<string, Variable>> {
  if (model.namedVariables) return model.namedVariables;
  const list = model.trainableVariables ?? [];
  if (list.length === 0) {
    throw new ValueError({
      argument: 'model',
      expected: 'a denoiser with `namedVariables` or a non-empty `trainableVariables`',
      received: 'no trainable variables',
    });
  }
  return Object.fromEntries(list.map((parameter, index) => [`parameters.${index}`, parameter]));
}
