import { BackendError, ConfigError } from '@diffuse/core';
import { getBackend } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';

describe('initBackend', () => {
  it('gives exactly the backend asked for, and says why', async () => {
    const choice = await initBackend({ prefer: 'cpu', env: {} });
    expect(choice.backend).toBe('cpu');
    expect(getBackend()).toBe('cpu');
    expect(choice.platform).toBe('node');
    expect(choice.reason).toMatch(/cpu is the first available backend in the requested preference/);
    expect(choice.attempts).toEqual([{ backend: 'cpu', outcome: 'chosen', reason: choice.details }]);
  });

  it('lets DIFFUSE_BACKEND force a backend over `prefer`', async () => {
    const choice = await initBackend({ prefer: 'cpu', env: { DIFFUSE_BACKEND: 'wasm' } });
    expect(choice.backend).toBe('wasm');
    expect(getBackend()).toBe('wasm');
    expect(choice.details).toMatch(/SIMD on/);
    expect(choice.reason).toMatch(/DIFFUSE_BACKEND=wasm/);
  });

  it('falls through unavailable backends and reports each', async () => {
    const choice = await initBackend({ prefer: ['tensorflow', 'cpu'], env: {} });
    expect(choice.backend).toBe('cpu');
    expect(choice.attempts[0]).toMatchObject({ backend: 'tensorflow', outcome: 'unavailable' });
    expect(choice.attempts[0]?.howToGet).toMatch(/pnpm add @tensorflow\/tfjs-node/);
  });

  it('by default never picks tfjs-node when it is not installed, nor a software GPU', async () => {
    const choice = await initBackend({ env: {} });
    expect(['wasm', 'webgpu']).toContain(choice.backend);
    if (choice.backend === 'webgpu') expect(choice.details).not.toMatch(/swiftshader/i);
  });

  it('gives a typed error that says how to get a missing backend', async () => {
    const error = await initBackend({ prefer: 'tensorflow', env: {} }).catch((e: unknown) => e);
    expect(BackendError.isInstance(error)).toBe(true);
    expect((error as BackendError).argument).toBe('prefer');
    expect((error as Error).message).toMatch(/tfjs-node/);
  });

  it('rejects unknown backend names', async () => {
    await expect(initBackend({ prefer: 'gpu' as never, env: {} })).rejects.toThrow(ConfigError);
    await expect(initBackend({ env: { DIFFUSE_BACKEND: 'metal' } })).rejects.toThrow(/DIFFUSE_BACKEND/);
  });
});
