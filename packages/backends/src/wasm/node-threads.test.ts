import { availableParallelism } from 'node:os';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { WASM_THREADS_ENV_VAR } from '../loaders.js';
import { MAX_WASM_THREADS, useThreadedWasm } from './node-threads.js';

describe('multi-threaded wasm in Node', () => {
  it('starts the threaded SIMD build with one XNNPACK thread per core (or DIFFUSE_WASM_THREADS)', async () => {
    const choice = await initBackend({ prefer: 'wasm', env: {} });
    const requested = process.env[WASM_THREADS_ENV_VAR];
    const expected = requested ? Number(requested) : Math.min(availableParallelism(), MAX_WASM_THREADS);
    expect(wasm.getThreadsCount()).toBe(expected);
    expect(choice.details).toMatch(new RegExp(`SIMD on, threads ${expected}$`));
    // The threaded module computes like any other: a convolution gradient through our kernels.
    const gradient = tf.tidy(() =>
      tf.grad((w: tf.Tensor) => tf.conv2d(tf.ones([2, 6, 6, 3]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').sum())(
        tf.ones([3, 3, 3, 4]),
      ),
    );
    // Centre tap: every output pixel sees the input: 2·6·6 = 72; corner taps see 5×5 of them: 50.
    const values = await gradient.data();
    gradient.dispose();
    expect(values[4 * 3 * 4]).toBe(72);
    expect(values[0]).toBe(50);
  });

  it('refuses a thread count outside the pre-created pthread pool, and a started backend', async () => {
    await expect(useThreadedWasm(0)).rejects.toThrow(/threads/);
    await expect(useThreadedWasm(MAX_WASM_THREADS + 1)).rejects.toThrow(/threads/);
    await initBackend({ prefer: 'wasm', env: {} });
    await expect(useThreadedWasm(2)).rejects.toThrow(/already started/);
  });
});
