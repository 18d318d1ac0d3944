/** Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_`. */
import { requireFinite, ValueError } from '@diffuse/core';
import { addN, type Scalar, type Tensor, tidy } from '@tensorflow/tfjs-core';

/** The result of {@link clipByGlobalNorm}: new tensors owned by the caller. */
export interface ClippedGradients {
  /** The gradients scaled by min(1, maxNorm / (‖g‖ + 1e-6)). */
  gradients: Record<string, Tensor>;
  /** ‖g‖₂ over all gradients together, before clipping. */
  globalNorm: Scalar;
}

/**
 * Scales all gradients together so that their joint L2 norm is at most `maxNorm`
 * (coefficient `min(1, maxNorm / (norm + 1e-6))`, PyTorch's formula). Inputs are not disposed.
 *
 * @example
 * const { gradients, globalNorm } = clipByGlobalNorm({ gradients: { weight: g }, maxNorm: 1 });
 */
export function clipByGlobalNorm(input: {
  gradients: Readonly<Record<string, Tensor>>;
  maxNorm: number;
}): ClippedGradients {
  const maxNorm = requireFinite('maxNorm', input.maxNorm);
  if (maxNorm <= 0) throw new ValueError({ argument: 'maxNorm', expected: 'a number > 0', received: maxNorm });
  const names = Object.keys(input.gradients);
  if (names.length === 0) {
    throw new ValueError({ argument: 'gradients', expected: 'at least one gradient', received: input.gradients });
  }
  const kept = tidy(() => {
    const squares = names.map((name) => input.gradients[name]!.square().sum());
    const globalNorm = (squares.length === 1 ? squares[0]! : addN(squares)).sqrt() as Scalar;
    const coefficient = globalNorm.add(1e-6).reciprocal().mul(maxNorm).minimum(1);
    return [globalNorm, ...names.map((name) => input.gradients[name]!.mul(coefficient))];
  });
  const [globalNorm, ...clipped] = kept;
  return {
    globalNorm: globalNorm as Scalar,
    gradients: Object.fromEntries(names.map((name, i) => [name, clipped[i]!])),
  };
}
