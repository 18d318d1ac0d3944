/**
 * Post-processing of the predicted x₀: dynamic thresholding (Saharia et al. 2022, "Photorealistic
 * Text-to-Image Diffusion Models with Deep Language Understanding" (Imagen), §2.3) or plain clipping.
 */
import { assertRank, requireInRange, requirePositive } from '@diffuse/core';
import { clipByValue, clone, maximum, minimum, neg, type Tensor4D, tidy, topk } from '@tensorflow/tfjs-core';

/** The x₀ options of a sampler. */
export interface OriginalSampleProcessing {
  clipSample: boolean;
  clipSampleRange: number;
  thresholding: boolean;
  dynamicThresholdingRatio: number;
  sampleMaxValue: number;
}

/** Thresholds (when `thresholding`) or clips (when `clipSample`) x₀; a new tensor either way. */
export function processOriginalSample(original: Tensor4D, options: OriginalSampleProcessing): Tensor4D {
  if (options.thresholding) {
    const { dynamicThresholdingRatio, sampleMaxValue } = options;
    return dynamicThreshold({ sample: original, dynamicThresholdingRatio, sampleMaxValue });
  }
  if (options.clipSample) return clipByValue(original, -options.clipSampleRange, options.clipSampleRange);
  return clone(original);
}

/**
 * "At each sampling step we set s to a certain percentile absolute pixel value in x̂₀, and if s > 1, then
 * we threshold x̂₀ to the range [−s, s] and then divide by s" (Imagen §2.3). As diffusers: per batch item,
 * s = clamp(quantile(|x̂₀|, ratio), min 1, max sampleMaxValue), where `clamp` with min > max gives max (so
 * sampleMaxValue < 1 fixes s = sampleMaxValue).
 *
 * The quantile is torch.quantile's linear interpolation, computed on the device without reading back: with
 * n values per item and r = ratio·(n − 1) (in float32, like torch), the sorted values v_⌊r⌋ and v_⌈r⌉ are
 * the last two of the top n − ⌊r⌋ of |x̂₀|, then lerped with torch's formula.
 *
 * @example
 * const thresholded = dynamicThreshold({ sample: predOriginalSample, dynamicThresholdingRatio: 0.995, sampleMaxValue: 1.5 });
 */
export function dynamicThreshold(options: {
  /** x̂₀, [B, H, W, C]. */
  sample: Tensor4D;
  /** The quantile of |x̂₀| that sets s, in [0, 1]. Default 0.995. */
  dynamicThresholdingRatio?: number;
  /** The largest s, > 0. Default 1. */
  sampleMaxValue?: number;
}): Tensor4D {
  const original = options.sample;
  assertRank('sample', original, 4, 'NHWC');
  const ratio = requireInRange('dynamicThresholdingRatio', options.dynamicThresholdingRatio ?? 0.995, 0, 1);
  const sampleMaxValue = requirePositive('sampleMaxValue', options.sampleMaxValue ?? 1);
  const [batch, height, width, channels] = original.shape;
  const count = height * width * channels;
  const rank = Math.fround(Math.fround(ratio) * (count - 1));
  const below = Math.floor(rank);
  const weight = Math.fround(rank - below);
  return tidy(() => {
    const k = count - below;
    const { values } = topk(original.abs().reshape([batch, count]), k); // descending
    const low = values.slice([0, k - 1], [batch, 1]); // v_⌊r⌋
    const high = k >= 2 ? values.slice([0, k - 2], [batch, 1]) : low; // v_⌊r⌋₊₁ = v_⌈r⌉ when weight > 0
    // torch.lerp: low + w·(high − low) for w < 0.5, else high − (high − low)·(1 − w).
    const quantile = weight < 0.5 ? low.add(high.sub(low).mul(weight)) : high.sub(high.sub(low).mul(1 - weight));
    const threshold = minimum(maximum(quantile, 1), sampleMaxValue).reshape([batch, 1, 1, 1]);
    return minimum(maximum(original, neg(threshold)), threshold).div(threshold) as Tensor4D;
  });
}
