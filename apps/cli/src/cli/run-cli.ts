/**
 * The command dispatcher: finds the command, parses its flags, runs it, and turns errors into
 * `error: <message>` plus an exit status (2: usage error while reading flags and paths, 1: runtime error).
 */
import { ConfigError, DiffuseError } from '@diffuse/core';
import { commandHelp, mainHelp } from './help.js';
import { type CommandSpec, type FlagValues, parseFlags } from './options.js';

/** Where a command writes: injectable so that tests capture the output. */
export interface CliContext {
  /** Writes to standard output (results, paths, metrics). */
  stdout: (text: string) => void;
  /** Standard error: progress bars and diagnostics. */
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Environment variables (for `DIFFUSE_BACKEND`). */
  env: Record<string, string | undefined>;
}

/**
 * A `diffuse` command: `parse` validates flags (and input paths) and may only throw usage errors;
 * `run` does the work.
 */
export interface Command<Options> {
  spec: CommandSpec;
  parse(values: FlagValues): Options | Promise<Options>;
  run(options: Options, context: CliContext): Promise<void>;
}

/** A command with its option type erased, for the command table (methods are bivariant). */
export type AnyCommand = Command<unknown>;

/** Where an error happened: while reading the command line, or while running. */
type Phase = 'usage' | 'runtime';

/** Exit status for an error raised in `phase`. */
export function exitStatus(phase: Phase): number {
  return phase === 'usage' ? 2 : 1;
}

/** Formats an error for stderr: `error: <message>`; unexpected (non-@diffuse) errors keep their stack. */
export function formatError(error: unknown): string {
  if (DiffuseError.isInstance(error)) return `error: ${error.message}\n`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    // System errors (ENOENT, EACCES, ENOSPC …) are expected failures: their message says it all.
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `error: ${error.message}\n`;
    return `error: ${error.message}\n${error.stack ?? ''}\n`;
  }
  return `error: ${String(error)}\n`;
}

/**
 * Runs `diffuse` with `argv` (arguments after the program name); returns the exit status.
 * With no arguments, runs `defaultCommand` (the main job).
 */
export async function runCli(options: {
  argv: readonly string[];
  commands: readonly AnyCommand[];
  defaultCommand: AnyCommand;
  context: CliContext;
}): Promise<number> {
  const { argv, commands, defaultCommand, context } = options;
  const specs = commands.map((command) => command.spec);
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const command = topic === undefined ? undefined : commands.find((candidate) => candidate.spec.name === topic);
    if (topic !== undefined && command === undefined) {
      context.stderr.write(formatError(unknownCommand(topic, specs)));
      return 2;
    }
    context.stdout(command ? commandHelp(command.spec) : mainHelp(specs, defaultCommand.spec));
    return 0;
  }
  let command: AnyCommand;
  let commandArgv: readonly string[];
  const mainJob = first === undefined || first.startsWith('-');
  if (mainJob) {
    command = defaultCommand;
    commandArgv = argv;
  } else {
    const found = commands.find((candidate) => candidate.spec.name === first);
    if (!found) {
      context.stderr.write(formatError(unknownCommand(first, specs)));
      return 2;
    }
    command = found;
    commandArgv = rest;
  }

  let parsed: unknown;
  try {
    const values = parseFlags(command.spec, commandArgv);
    if (values.help === true) {
      context.stdout(mainJob ? mainHelp(specs, command.spec) : commandHelp(command.spec));
      return 0;
    }
    parsed = await command.parse(values);
  } catch (error) {
    context.stderr.write(formatError(error));
    const helpCommand = mainJob ? 'diffuse --help' : `diffuse ${command.spec.name} --help`;
    if (DiffuseError.isInstance(error)) context.stderr.write(`(see \`${helpCommand}\`)\n`);
    return exitStatus('usage');
  }
  try {
    await command.run(parsed, context);
    return 0;
  } catch (error) {
    context.stderr.write(formatError(error));
    return exitStatus('runtime');
  }
}

function unknownCommand(name: string, specs: readonly CommandSpec[]): ConfigError {
  return new ConfigError({
    argument: 'command',
    expected: `one of ${specs.map((spec) => spec.name).join(', ')} (or none for the main job)`,
    received: name,
    hint: 'Run `diffuse --help`',
  });
}
