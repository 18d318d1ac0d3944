import { describeBackends } from '@diffuse/backends/testing';
import { expectNoTensorLeak } from '@diffuse/core';
import { tensor1d, tensor2d } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { clipByGlobalNorm } from './gradient-clipping.js';

describeBackends('clipByGlobalNorm', () => {
  it('scales all gradients by maxNorm / (‖g‖ + 1e-6) when the joint norm is larger', async () => {
    const a = tensor1d([3, 0]);
    const b = tensor2d([[0, 4]]); // joint norm 5
    await expectNoTensorLeak(async () => {
      const { gradients, globalNorm } = clipByGlobalNorm({ gradients: { a, b }, maxNorm: 1 });
      expect((await globalNorm.data())[0]).toBeCloseTo(5, 5);
      const scale = 1 / (5 + 1e-6);
      expect(Array.from(await gradients.a!.data())).toEqual([expect.closeTo(3 * scale, 6), 0]);
      expect(Array.from(await gradients.b!.data())).toEqual([0, expect.closeTo(4 * scale, 6)]);
      globalNorm.dispose();
      gradients.a!.dispose();
      gradients.b!.dispose();
    });
    const { gradients, globalNorm } = clipByGlobalNorm({ gradients: { a, b }, maxNorm: 10 });
    expect(Array.from(await gradients.a!.data())).toEqual([3, 0]);
    expect(Array.from(await gradients.b!.data())).toEqual([0, 4]);
    for (const t of [a, b, globalNorm, gradients.a!, gradients.b!]) t.dispose();
  });

  it('refuses a non-positive maxNorm', () => {
    const a = tensor1d([1]);
    expect(() => clipByGlobalNorm({ gradients: { a }, maxNorm: 0 })).toThrow(/maxNorm/);
    a.dispose();
  });
});
