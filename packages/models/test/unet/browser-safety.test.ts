/**
 * The main entry must stay browser-safe: nothing reachable from `src/index.ts` may import Node built-ins
 * or `@diffuse/io/node` (those live behind `@diffuse/models/node`).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, specifier] of source.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)) {
    if (specifier!.startsWith('.')) reachable(resolve(dirname(file), specifier!.replace(/\.js$/, '.ts')), seen);
    else seen.add(specifier!);
  }
  return seen;
}

it('imports no Node module from the main entry', () => {
  const modules = [...reachable(entry)];
  expect(modules.some((m) => m.endsWith('unet-2d-model.ts'))).toBe(true);
  expect(modules.filter((m) => m.startsWith('node:') || m === '@diffuse/io/node' || m.includes('/node/'))).toEqual([]);
});
