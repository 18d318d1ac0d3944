import { IoError, ValueError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { readInteger } from './options.js';
import { type AnyCommand, type CliContext, formatError, runCli } from './run-cli.js';

function capture(): { context: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    context: { stdout: (text) => out.push(text), stderr: { write: (text: string) => err.push(text) }, env: {} },
  };
}

const ran: number[] = [];
const count: AnyCommand = {
  spec: {
    name: 'count',
    summary: 'Counts',
    description: 'Counts to N.',
    flags: { n: { type: 'string', valueName: 'N', description: 'How far', defaultText: '3' } },
    examples: ['diffuse count --n 5'],
  },
  parse: (values) => ({ n: readInteger(values, 'n', 3, { min: 1, max: 10 }) }),
  async run(options, context) {
    const { n } = options as { n: number };
    if (n === 7) throw new IoError({ argument: 'out', expected: 'a writable folder', received: '/nope' });
    if (n === 8) throw new TypeError('internal bug');
    ran.push(n);
    context.stdout(`counted ${n}\n`);
  },
};
const commands = [count];

describe('runCli', () => {
  it('runs a command with its flags', async () => {
    const { context, out } = capture();
    expect(await runCli({ argv: ['count', '--n', '5'], commands, defaultCommand: count, context })).toBe(0);
    expect(out).toEqual(['counted 5\n']);
  });

  it('runs the default command without arguments', async () => {
    const { context, out } = capture();
    expect(await runCli({ argv: [], commands, defaultCommand: count, context })).toBe(0);
    expect(out).toEqual(['counted 3\n']);
  });

  it('prints help for the program and for a command, exit 0', async () => {
    for (const argv of [['--help'], ['help']]) {
      const { context, out } = capture();
      expect(await runCli({ argv, commands, defaultCommand: count, context })).toBe(0);
      expect(out.join('')).toContain('count  Counts');
    }
    for (const argv of [
      ['count', '--help'],
      ['help', 'count'],
      ['count', '-h'],
    ]) {
      const { context, out } = capture();
      expect(await runCli({ argv, commands, defaultCommand: count, context })).toBe(0);
      expect(out.join('')).toMatch(/ {4}--n N +How far \(default: 3\)\n/);
      expect(out.join('')).toContain('diffuse count --n 5');
    }
  });

  it('exits 2 with `error: <message>` and no stack for usage errors', async () => {
    const before = ran.length;
    for (const [argv, message] of [
      [['count', '--n', '0'], '`--n`: expected an integer in [1, 10], received "0"'],
      [['count', '--m', '1'], '`--m`: expected a flag of `diffuse count` (--n, --help), received "--m"'],
      [['cuont'], '`command`: expected one of count (or none for the main job), received "cuont"'],
    ] as const) {
      const { context, err } = capture();
      expect(await runCli({ argv, commands, defaultCommand: count, context })).toBe(2);
      expect(err[0]).toBe(`error: ${message}${argv[0] === 'cuont' ? '. Run `diffuse --help`' : ''}\n`);
      expect(err.join('')).not.toContain('    at ');
    }
    expect(ran.length).toBe(before);
  });

  it('exits 1 for runtime errors; only unexpected errors show a stack', async () => {
    const expected = capture();
    expect(
      await runCli({ argv: ['count', '--n', '7'], commands, defaultCommand: count, context: expected.context }),
    ).toBe(1);
    expect(expected.err).toEqual(['error: `out`: expected a writable folder, received "/nope"\n']);
    const bug = capture();
    expect(await runCli({ argv: ['count', '--n', '8'], commands, defaultCommand: count, context: bug.context })).toBe(
      1,
    );
    expect(bug.err[0]).toMatch(/^error: internal bug\nTypeError: internal bug\n {4}at /);
  });
});

describe('formatError', () => {
  it('keeps system errors short', () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' });
    expect(formatError(error)).toBe("error: ENOENT: no such file or directory, open 'x'\n");
    expect(formatError(new ValueError({ argument: 'a', expected: 'b' }))).toBe('error: `a`: expected b\n');
  });
});
