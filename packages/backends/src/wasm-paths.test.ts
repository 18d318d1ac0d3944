import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';

// Runs in its own test file (its own process): the wasm module must not be loaded yet.
describe('initBackend({ wasmPaths })', () => {
  it('loads the wasm binaries from the given prefix', async () => {
    const packageDirectory = dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm/package.json')));
    const choice = await initBackend({ prefer: 'wasm', env: {}, wasmPaths: `${packageDirectory}/dist/` });
    expect(choice.backend).toBe('wasm');
    expect(getBackend()).toBe('wasm');
  });
});
