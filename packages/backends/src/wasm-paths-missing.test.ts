import { BackendError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';

// Runs in its own test file (its own process): the wasm module must not be loaded yet.
describe('initBackend({ wasmPaths }) with a wrong prefix', () => {
  it('fails with a BackendError instead of loading the default binaries', async () => {
    const error = await initBackend({ prefer: 'wasm', env: {}, wasmPaths: '/nonexistent/diffuse-wasm/' }).catch(
      (caught: unknown) => caught,
    );
    expect(BackendError.isInstance(error)).toBe(true);
  });
});
