/**
 * The `diffuse` command table and entry point (`bin.ts` calls {@link runDiffuse}).
 */
import type { AnyCommand, CliContext } from './cli/run-cli.js';
import { runCli } from './cli/run-cli.js';
import { benchCommand } from './commands/bench-command.js';
import { evalCommand } from './commands/eval-command.js';
import { mainJobCommand } from './commands/main-job-command.js';
import { sampleCommand } from './commands/sample-command.js';
import { trainClassifierCommand } from './commands/train-classifier-command.js';
import { trainCommand } from './commands/train-command.js';

/** Every command, in `--help` order. */
export const commands: readonly AnyCommand[] = [
  trainCommand,
  sampleCommand,
  evalCommand,
  benchCommand,
  trainClassifierCommand,
];

/** The process's streams and environment as a {@link CliContext}. */
export function processContext(): CliContext {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: process.stderr,
    env: process.env,
  };
}

/** Runs `diffuse` with `argv` (without the program name); returns the exit status. */
export function runDiffuse(argv: readonly string[], context: CliContext = processContext()): Promise<number> {
  return runCli({ argv, commands, defaultCommand: mainJobCommand, context });
}
