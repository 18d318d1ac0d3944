import { describeBackends } from '@diffuse/backends/testing';
import * as schedules from '@diffuse/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { runQuickStart } from '../../core/test/quick-start.js';
import * as forward from './index.js';

describeBackends(
  'README quick start',
  () => {
    it('runs as written (≤ 15 lines)', async () => {
      const modules = {
        '@diffuse/forward': forward,
        '@diffuse/schedules': schedules,
        '@tensorflow/tfjs-core': tf,
      };
      const run = await runQuickStart(new URL('../README.md', import.meta.url), modules);
      expect(run.lineCount).toBeLessThanOrEqual(15);
      expect(run.logged).toHaveLength(1);
      expect(Number(JSON.parse(run.logged[0]!))).toBeLessThan(1e-5); // claimed: ≈ 0
    });
  },
  { only: ['cpu'] },
);
