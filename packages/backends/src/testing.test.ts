import { describe, expect, it } from 'vitest';
import { describeBackends, testBackends } from './testing.js';

describe('testBackends', () => {
  it('lists the requested backends that can run here', () => {
    const backends = testBackends();
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of backends) expect(['cpu', 'wasm', 'webgpu', 'tensorflow']).toContain(backend);
  });
});

// A suite restricted to a backend this run may not cover still registers (a skipped note), so the file
// stays valid for vitest whatever DIFFUSE_TEST_BACKENDS says.
describeBackends(
  'restricted suite',
  ({ backend }) => {
    it('runs on the selected backend only', () => {
      expect(backend).toBe('tensorflow');
    });
  },
  { only: ['tensorflow'] },
);
