/**
 * The building blocks in isolation, against float64 JavaScript references written from the PyTorch
 * definitions, on every backend.
 */
import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak, NoiseGenerator } from '@diffuse/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  activation,
  averagePool2x,
  conv2d,
  downsamplePadding,
  fourierEmbedding,
  fromTorchLayout,
  groupNorm,
  type ParameterSpec,
  scaledDotProductAttention,
  timestepEmbedding,
  torchShape,
  toTorchLayout,
  upsampleNearest2x,
} from '../../src/index.js';

function random(shape: number[], step: number, scale = 1, offset = 0): Float32Array {
  const values = new NoiseGenerator(11).normalArray({ shape: [1, shape.reduce((a, b) => a * b, 1)], step });
  return values.map((v) => v * scale + offset);
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** GroupNorm, float64, NHWC. */
function groupNormReference(
  x: Float32Array,
  shape: number[],
  gamma: Float32Array,
  beta: Float32Array,
  groups: number,
  epsilon: number,
) {
  const [n, h, w, c] = shape as [number, number, number, number];
  const perGroup = c / groups;
  const out = new Float64Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      let sum = 0;
      let count = 0;
      const each = (visit: (index: number) => void) => {
        for (let p = 0; p < h * w; p++)
          for (let k = 0; k < perGroup; k++) visit((b * h * w + p) * c + g * perGroup + k);
      };
      each((i) => {
        sum += x[i]!;
        count++;
      });
      const mean = sum / count;
      let squares = 0;
      each((i) => {
        squares += (x[i]! - mean) ** 2;
      });
      const scale = 1 / Math.sqrt(squares / count + epsilon);
      each((i) => {
        const channel = i % c;
        out[i] = (x[i]! - mean) * scale * gamma[channel]! + beta[channel]!;
      });
    }
  }
  return out;
}

describeBackends('UNet blocks', ({ backend }) => {
  // WGSL's sin/cos are not correctly rounded for arguments of tens of radians (SwiftShader: ~2e-4).
  const trigonometryTolerance = backend === 'webgpu' ? 5e-4 : 1e-5;
  it('groupNorm matches a float64 reference (offset, scaled data, eps 1e-6)', async () => {
    const shape = [2, 5, 3, 12];
    const x = random(shape, 1, 3, 2);
    const gamma = random([12], 2, 0.5, 1);
    const beta = random([12], 3);
    const expected = groupNormReference(x, shape, gamma, beta, 4, 1e-6);
    await expectNoTensorLeak(async () => {
      const inputs = [
        tf.tensor4d(x, shape as [number, number, number, number]),
        tf.tensor1d(gamma),
        tf.tensor1d(beta),
      ] as const;
      const y = groupNorm({ x: inputs[0], gamma: inputs[1], beta: inputs[2], groups: 4, epsilon: 1e-6 });
      expect(maxDifference(await y.data(), expected)).toBeLessThan(2e-5);
      tf.dispose([y, ...inputs]);
    });
  });

  it('timestepEmbedding is [sin, cos] (or [cos, sin]) of t·exp(−ln(10⁴)·i/(half − shift))', async () => {
    const timesteps = [0, 1, 10, 999];
    for (const { dim, flipSinToCos, freqShift } of [
      { dim: 8, flipSinToCos: false, freqShift: 1 },
      { dim: 7, flipSinToCos: true, freqShift: 0 },
    ]) {
      const half = Math.floor(dim / 2);
      const expected: number[] = [];
      for (const t of timesteps) {
        const angles = Array.from(
          { length: half },
          (_, i) => t * Math.exp((-Math.log(10_000) * i) / (half - freqShift)),
        );
        const sin = angles.map(Math.sin);
        const cos = angles.map(Math.cos);
        expected.push(...(flipSinToCos ? [...cos, ...sin] : [...sin, ...cos]), ...(dim % 2 ? [0] : []));
      }
      const input = tf.tensor1d(timesteps);
      const y = timestepEmbedding({ timesteps: input, dim, flipSinToCos, freqShift });
      expect(y.shape).toEqual([4, dim]);
      // float32 arguments up to ~1000 rad: ~1e-4 absolute
      expect(maxDifference(await y.data(), expected)).toBeLessThan(2e-4);
      tf.dispose([y, input]);
    }
  });

  it('fourierEmbedding is [sin, cos] of 2π·log(t)·W', async () => {
    const sigmas = [0.3, 25];
    const weights = [0.5, -1.25, 2];
    const expected = sigmas.flatMap((s) => {
      const angles = weights.map((w) => 2 * Math.PI * Math.log(s) * w);
      return [...angles.map(Math.sin), ...angles.map(Math.cos)];
    });
    const inputs = [tf.tensor1d(sigmas), tf.tensor1d(weights)] as const;
    const y = fourierEmbedding({ timesteps: inputs[0], weights: inputs[1] });
    expect(maxDifference(await y.data(), expected)).toBeLessThan(trigonometryTolerance);
    tf.dispose([y, ...inputs]);
  });

  it('activations match their definitions (gelu is the exact erf form)', async () => {
    // erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)
    const erf = (x: number) => {
      const t = 1 / (1 + 0.3275911 * Math.abs(x));
      const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
      return Math.sign(x) * (1 - poly * Math.exp(-x * x));
    };
    const definitions: Record<string, (x: number) => number> = {
      silu: (x) => x / (1 + Math.exp(-x)),
      swish: (x) => x / (1 + Math.exp(-x)),
      mish: (x) => x * Math.tanh(Math.log1p(Math.exp(x))),
      gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
      relu: (x) => Math.max(0, x),
    };
    const inputs = [-6, -2.5, -1, -0.1, 0, 0.3, 1, 2, 7];
    const x = tf.tensor1d(inputs);
    for (const name of ACTIVATION_NAMES) {
      const y = activation(name, x);
      expect(maxDifference(await y.data(), inputs.map(definitions[name]!)), name).toBeLessThan(1e-5);
      y.dispose();
    }
    x.dispose();
  });

  it('upsampleNearest2x repeats every pixel into a 2×2 block; averagePool2x averages them', async () => {
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => i),
      [2, 2, 3, 2],
    );
    const up = upsampleNearest2x(x);
    expect(up.shape).toEqual([2, 4, 6, 2]);
    const values = await up.data();
    const source = await x.data();
    for (let b = 0; b < 2; b++)
      for (let y = 0; y < 4; y++)
        for (let w = 0; w < 6; w++)
          for (let c = 0; c < 2; c++) {
            const got = values[((b * 4 + y) * 6 + w) * 2 + c];
            expect(got).toBe(source[((b * 2 + (y >> 1)) * 3 + (w >> 1)) * 2 + c]);
          }
    const down = averagePool2x(up);
    expect(Array.from(await down.data())).toEqual(Array.from(source));
    const odd = averagePool2x(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]));
    expect(Array.from(await odd.data())).toEqual([3]); // (1 + 2 + 4 + 5) / 4: the odd row and column are dropped
    tf.dispose([x, up, down, odd]);
  });

  it('conv2d pads like PyTorch, including downsample_padding 0 (bottom/right only)', async () => {
    const [n, h, w, cin, cout] = [1, 6, 5, 2, 3];
    const x = random([n, h, w, cin], 4);
    const kernel = random([3, 3, cin, cout], 5, 0.3);
    const bias = random([cout], 6);
    for (const padding of [0, 1]) {
      const [top, bottom, left, right] = downsamplePadding(padding);
      const outH = Math.floor((h + top + bottom - 3) / 2) + 1;
      const outW = Math.floor((w + left + right - 3) / 2) + 1;
      const expected: number[] = [];
      for (let oy = 0; oy < outH; oy++)
        for (let ox = 0; ox < outW; ox++)
          for (let o = 0; o < cout; o++) {
            let sum = bias[o]!;
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 3; kx++)
                for (let i = 0; i < cin; i++) {
                  const iy = oy * 2 + ky - top;
                  const ix = ox * 2 + kx - left;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  sum += x[(iy * w + ix) * cin + i]! * kernel[((ky * 3 + kx) * cin + i) * cout + o]!;
                }
            expected.push(sum);
          }
      const weights = new Map<string, tf.Tensor>([
        ['op.weight', tf.tensor4d(kernel, [3, 3, cin, cout])],
        ['op.bias', tf.tensor1d(bias)],
      ]);
      const input = tf.tensor4d(x, [n, h, w, cin]);
      const y = conv2d({ x: input, weights, prefix: 'op', stride: 2, padding: [top, bottom, left, right] });
      expect(y.shape).toEqual([n, outH, outW, cout]);
      expect(maxDifference(await y.data(), expected)).toBeLessThan(1e-5);
      tf.dispose([y, input, ...weights.values()]);
    }
  });

  it('scaledDotProductAttention matches softmax(QKᵀ/√d)V per head', async () => {
    const [batch, tokens, heads, headDim] = [2, 5, 3, 4];
    const width = heads * headDim;
    const [q, k, v] = [7, 8, 9].map((step) => random([batch, tokens, width], step));
    const expected = new Float64Array(batch * tokens * width);
    for (let b = 0; b < batch; b++)
      for (let hd = 0; hd < heads; hd++)
        for (let i = 0; i < tokens; i++) {
          const scores = Array.from({ length: tokens }, (_, j) => {
            let dot = 0;
            for (let d = 0; d < headDim; d++) {
              dot +=
                q![(b * tokens + i) * width + hd * headDim + d]! * k![(b * tokens + j) * width + hd * headDim + d]!;
            }
            return dot / Math.sqrt(headDim);
          });
          const max = Math.max(...scores);
          const exps = scores.map((s) => Math.exp(s - max));
          const total = exps.reduce((a, b) => a + b, 0);
          for (let d = 0; d < headDim; d++) {
            let sum = 0;
            for (let j = 0; j < tokens; j++)
              sum += (exps[j]! / total) * v![(b * tokens + j) * width + hd * headDim + d]!;
            expected[(b * tokens + i) * width + hd * headDim + d] = sum;
          }
        }
    const [query, key, value] = [q, k, v].map((data) => tf.tensor3d(data!, [batch, tokens, width]));
    const y = scaledDotProductAttention({ query: query!, key: key!, value: value!, heads });
    expect(maxDifference(await y.data(), expected)).toBeLessThan(1e-5);
    tf.dispose([y, query!, key!, value!]);
  });
});

describe('PyTorch layouts', () => {
  it('converts conv OIHW ↔ HWIO and linear [out, in] ↔ [in, out]', () => {
    const conv: ParameterSpec = {
      name: 'c.weight',
      shape: [3, 2, 4, 5],
      layout: 'conv2d',
      init: { kind: 'constant', value: 0 },
      trainable: true,
    };
    expect(torchShape(conv)).toEqual([5, 4, 3, 2]);
    const torch = Float32Array.from({ length: 120 }, (_, i) => i);
    const tfjs = fromTorchLayout(conv, torch);
    // torch [o=1][i=2][y=0][x=1] → tfjs [y=0][x=1][i=2][o=1]
    expect(tfjs[((0 * 2 + 1) * 4 + 2) * 5 + 1]).toBe(torch[((1 * 4 + 2) * 3 + 0) * 2 + 1]);
    expect(Array.from(toTorchLayout(conv, tfjs))).toEqual(Array.from(torch));
    const linear: ParameterSpec = {
      name: 'l.weight',
      shape: [3, 2],
      layout: 'linear',
      init: { kind: 'constant', value: 0 },
      trainable: true,
    };
    expect(torchShape(linear)).toEqual([2, 3]);
    expect(Array.from(fromTorchLayout(linear, Float32Array.from([1, 2, 3, 4, 5, 6])))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
