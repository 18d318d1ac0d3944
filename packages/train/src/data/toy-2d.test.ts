import { describeBackends } from '@diffuse/backends/testing';
import { ValueError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { sampleToyPoints, TOY_DISTRIBUTIONS, ToyDataset } from './toy-2d.js';

function columns(points: Float32Array): [number[], number[]] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    xs.push(points[i]!);
    ys.push(points[i + 1]!);
  }
  return [xs, ys];
}

describe('2-D toy distributions', () => {
  it('are a pure function of (seed, point index), whatever the batch split', () => {
    for (const distribution of TOY_DISTRIBUTIONS) {
      const whole = sampleToyPoints({ distribution, count: 10, seed: 5 });
      const tail = sampleToyPoints({ distribution, count: 4, seed: 5, firstSample: 6 });
      expect(Array.from(tail)).toEqual(Array.from(whole.slice(12)));
      const other = sampleToyPoints({ distribution, count: 10, seed: 6 });
      expect(Array.from(other)).not.toEqual(Array.from(whole));
    }
  });

  it('place eight-gaussians points around 8 modes on a circle of radius 2√2', () => {
    const [xs, ys] = columns(sampleToyPoints({ distribution: 'eight-gaussians', count: 4000, seed: 1 }));
    const modes = new Set<number>();
    xs.forEach((x, i) => {
      const angle = Math.atan2(ys[i]!, x);
      const mode = (Math.round(angle / (Math.PI / 4)) + 8) % 8;
      modes.add(mode);
      const center = [2 * Math.SQRT2 * Math.cos((mode * Math.PI) / 4), 2 * Math.SQRT2 * Math.sin((mode * Math.PI) / 4)];
      expect(Math.hypot(x - center[0]!, ys[i]! - center[1]!)).toBeLessThan(5 * 0.5);
    });
    expect(modes.size).toBe(8);
  });

  it('put checkerboard points on the dark squares only, and two moons in their box', () => {
    const [xs, ys] = columns(sampleToyPoints({ distribution: 'checkerboard', count: 2000, seed: 2 }));
    xs.forEach((x, i) => {
      expect(Math.abs(x)).toBeLessThanOrEqual(4);
      expect(Math.abs(ys[i]!)).toBeLessThanOrEqual(4);
      const parity = (((Math.floor(x / 2) + Math.floor(ys[i]! / 2)) % 2) + 2) % 2;
      expect(parity).toBe(0);
    });
    const [mx, my] = columns(sampleToyPoints({ distribution: 'two-moons', count: 2000, seed: 3 }));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(mx)).toBeCloseTo(2 * (0.5 + 0.3) - 1, 1);
    expect(mean(my)).toBeCloseTo(3 * (0.25 + 0.3) - 1, 1);
    expect(Math.min(...mx)).toBeGreaterThan(-3);
    expect(Math.max(...mx)).toBeLessThan(4);
  });

  it('swiss roll follows r ≈ t/5 over t ∈ [1.5π, 4.5π]', () => {
    const [xs, ys] = columns(sampleToyPoints({ distribution: 'swiss-roll', count: 1000, seed: 4 }));
    const radii = xs.map((x, i) => Math.hypot(x, ys[i]!));
    expect(Math.min(...radii)).toBeGreaterThan((1.5 * Math.PI) / 5 - 1);
    expect(Math.max(...radii)).toBeLessThan((4.5 * Math.PI) / 5 + 1);
  });

  it('reject unknown names and bad counts', () => {
    expect(() => sampleToyPoints({ distribution: 'spiral' as 'two-moons', count: 1, seed: 0 })).toThrow(/distribution/);
    expect(() => sampleToyPoints({ distribution: 'two-moons', count: -1, seed: 0 })).toThrow(ValueError);
  });
});

describeBackends(
  'ToyDataset',
  () => {
    it('serves [count, 1, 1, 2] batches of the same points', async () => {
      const dataset = new ToyDataset({ distribution: 'two-moons', seed: 9 });
      const { sample } = dataset.batch({ start: 3, count: 5 });
      expect(sample.shape).toEqual([5, 1, 1, 2]);
      expect(Array.from(await sample.data())).toEqual(
        Array.from(sampleToyPoints({ distribution: 'two-moons', count: 5, seed: 9, firstSample: 3 })),
      );
      sample.dispose();
    });
  },
  { only: ['cpu'] },
);
