/**
 * Test helper: runs a package README's quick start (the first ```ts block) as written. The TypeScript
 * is transpiled (types dropped), each `import … from 'x'` takes its names from `modules['x']`, and
 * `console.log` is captured. Shared by the packages' README tests.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { vi } from 'vitest';

/** What a quick start did. */
export interface QuickStartRun {
  /** Its lines that are not blank. */
  lineCount: number;
  /** What each `console.log` call printed (values JSON-encoded, joined by spaces). */
  logged: string[];
  /** The trailing `// …` comment of each `console.log(…)` line, in order. */
  claimed: string[];
}

/**
 * Runs the quick start of the README at `readme` with `modules` standing in for its imports.
 * `@diffuse/backends` defaults to a no-op `initBackend` (the test has chosen the backend).
 */
export async function runQuickStart(readme: URL, given: Record<string, object>): Promise<QuickStartRun> {
  const modules: Record<string, object> = { '@diffuse/backends': { initBackend: async () => {} }, ...given };
  const text = readFileSync(readme, 'utf8');
  const source = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
  if (source === undefined) throw new Error(`${readme}: no \`\`\`ts block`);
  const body = source.replace(/^import (.*) from '([^']+)';$/gm, (_, names: string, from: string) => {
    if (!(from in modules)) throw new Error(`${readme}: the quick start imports '${from}', not given to the test`);
    const namespace = /^\* as (\w+)$/.exec(names);
    const binding = namespace ? namespace[1] : names.replace(/\btype \w+,?\s*/g, '').replace(/ as /g, ': ');
    return `const ${binding} = __modules[${JSON.stringify(from)}];`;
  });
  const javascript = ts.transpileModule(body, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (modules: Record<string, object>) => Promise<void>;
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await new AsyncFunction('__modules', javascript)(modules);
    return {
      lineCount: source.split('\n').filter((line) => line.trim() !== '').length,
      logged: log.mock.calls.map((call) => call.map((value) => JSON.stringify(value)).join(' ')),
      claimed: [...source.matchAll(/^console\.log\(.*\/\/ (.*)$/gm)].map((match) => match[1]!),
    };
  } finally {
    log.mockRestore();
  }
}
