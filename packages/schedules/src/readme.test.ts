import { expect, it } from 'vitest';
import { runQuickStart } from '../../core/test/quick-start.js';
import * as schedules from './index.js';

it('README quick start runs as written (≤ 15 lines) and prints what it claims', async () => {
  const run = await runQuickStart(new URL('../README.md', import.meta.url), { '@diffuse/schedules': schedules });
  expect(run.lineCount).toBeLessThanOrEqual(15);
  expect(run.logged).toHaveLength(2);
  expect(run.logged[1]).toBe(JSON.stringify(JSON.parse(run.claimed[0]!)));
});
