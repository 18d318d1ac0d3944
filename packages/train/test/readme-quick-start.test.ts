// Runs the README's quick start (with fewer steps): its imports must exist and its code must train.
import { readFileSync } from 'node:fs';
import * as backends from '@diffuse/backends';
import * as models from '@diffuse/models';
import * as schedules from '@diffuse/schedules';
import { expect, it } from 'vitest';
import * as train from '../src/index.js';

const modules: Record<string, Record<string, unknown>> = {
  '@diffuse/backends': { ...backends, initBackend: () => backends.initBackend({ prefer: 'wasm', env: {} }) },
  '@diffuse/models': models,
  '@diffuse/schedules': schedules,
  '@diffuse/train': train,
};

it('the README quick start runs', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /## Quick start\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const lines = code!.split('\n');
  expect(lines.filter((line) => line.trim()).length).toBeLessThanOrEqual(15);
  const bindings: Record<string, unknown> = {};
  const body: string[] = [];
  for (const line of lines) {
    const match = /^import \{ (.+) \} from '(.+)';$/.exec(line);
    if (!match) {
      body.push(line);
      continue;
    }
    const module = modules[match[2]!];
    expect(module, match[2]).toBeDefined();
    for (const name of match[1]!.split(',').map((n) => n.trim())) {
      expect(module![name], `${name} from ${match[2]}`).toBeDefined();
      bindings[name] = module![name];
    }
  }
  const shortened = body.join('\n').replace('untilStep: 1500', 'untilStep: 20');
  expect(shortened).toContain('untilStep: 20');
  const logged: unknown[][] = [];
  const log = (...values: unknown[]) => void logged.push(values);
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction(...Object.keys(bindings), 'console', shortened);
  await run(...Object.values(bindings), { log });
  expect(logged.map(([step]) => step)).toEqual([20]);
  expect(logged[0]![1]).toBeGreaterThan(0);
});
