import * as wasm from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { MAX_WASM_THREADS, requestedWasmThreads, useThreadedWasm, WASM_THREADS_ENV_VAR } from './node-threads.js';

// Each test file runs in its own process (vitest forks): this one starts wasm with two threads.
describe('multi-threaded wasm in Node', () => {
  const previous = process.env[WASM_THREADS_ENV_VAR];
  beforeAll(() => {
    process.env[WASM_THREADS_ENV_VAR] = '2';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env[WASM_THREADS_ENV_VAR];
    else process.env[WASM_THREADS_ENV_VAR] = previous;
  });

  it('starts the threaded SIMD build with the XNNPACK threads DIFFUSE_WASM_THREADS asks for', async () => {
    const choice = await initBackend({ prefer: 'wasm', env: {} });
    expect(wasm.getThreadsCount()).toBe(2);
    expect(choice.details).toMatch(/SIMD on, threads 2$/);
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

  it('reads DIFFUSE_WASM_THREADS, refusing values outside the pre-created pthread pool', () => {
    expect(requestedWasmThreads()).toBe(2);
    for (const bad of ['0', '9', '1.5', 'two']) {
      process.env[WASM_THREADS_ENV_VAR] = bad;
      expect(() => requestedWasmThreads()).toThrow(/DIFFUSE_WASM_THREADS/);
    }
    process.env[WASM_THREADS_ENV_VAR] = '2';
  });

  it('refuses a thread count outside the pre-created pthread pool, and a started backend', async () => {
    await expect(useThreadedWasm(0)).rejects.toThrow(/threads/);
    await expect(useThreadedWasm(MAX_WASM_THREADS + 1)).rejects.toThrow(/threads/);
    await initBackend({ prefer: 'wasm', env: {} });
    await expect(useThreadedWasm(2)).rejects.toThrow(/already started/);
  });
});
