/**
 * Flag parsing for `diffuse` commands: `node:util` `parseArgs` plus typed conversions that throw
 * @diffuse/core errors naming the flag (`--steps`), what was expected and what was received.
 */
import { parseArgs } from 'node:util';
import { ConfigError, ValueError } from '@diffuse/core';

/** One flag of a command. */
export interface FlagSpec {
  /** `string` flags take a value (`--steps 50`), `boolean` flags do not (`--strip`). */
  type: 'string' | 'boolean';
  /** One line for `--help`. */
  description: string;
  /** Placeholder of the value in `--help` (`N`, `DIR`, `FILE`). */
  valueName?: string;
  /** Default shown in `--help` (the command applies it). */
  defaultText?: string;
  /** One-letter alias. */
  short?: string;
}

/** A command's name, summary and flags: everything `--help` prints. */
export interface CommandSpec {
  name: string;
  /** One line for `diffuse --help`. */
  summary: string;
  /** Paragraph(s) shown under the usage line. */
  description: string;
  flags: Record<string, FlagSpec>;
  /** Example invocations. */
  examples: string[];
}

/** Parsed flag values: strings for string flags, booleans for boolean flags. */
export type FlagValues = Record<string, string | boolean | undefined>;

interface NodeParseError {
  code?: string;
  message: string;
}

/**
 * Parses `argv` (the arguments after the command name) against `spec`. Unknown flags, missing values
 * and positional arguments are ConfigErrors naming the flag.
 */
export function parseFlags(spec: CommandSpec, argv: readonly string[]): FlagValues {
  // `multiple` everywhere, so that a repeated flag is refused instead of the last one silently winning.
  const options: Record<string, { type: 'string' | 'boolean'; multiple: true; short?: string }> = {
    help: { type: 'boolean', multiple: true, short: 'h' },
  };
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] = { type: flag.type, multiple: true, ...(flag.short ? { short: flag.short } : {}) };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw translateParseError(spec, error as NodeParseError);
  }
  if (parsed.positionals.length > 0) {
    throw new ConfigError({
      argument: `diffuse ${spec.name}`,
      expected: 'only --flags (no positional arguments)',
      received: parsed.positionals,
      hint: `See \`diffuse ${spec.name} --help\``,
    });
  }
  const values: FlagValues = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const list = value as (string | boolean)[];
    if (list.length > 1) {
      throw new ConfigError({ argument: `--${name}`, expected: 'the flag at most once', received: list });
    }
    values[name] = list[0];
  }
  return values;
}

function translateParseError(spec: CommandSpec, error: NodeParseError): ConfigError {
  const flag = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? `diffuse ${spec.name}`;
  const known = Object.keys(spec.flags)
    .map((name) => `--${name}`)
    .join(', ');
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new ConfigError({
        argument: flag,
        expected: `a flag of \`diffuse ${spec.name}\` (${known || 'none'}, --help)`,
        received: flag,
      });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const takesValue = spec.flags[flag.replace(/^-+/, '')]?.type === 'string';
      return new ConfigError({
        argument: flag,
        expected: takesValue ? 'a value after the flag (`--flag VALUE`)' : 'no value (it is a switch)',
        received: error.message,
      });
    }
    default:
      return new ConfigError({ argument: `diffuse ${spec.name}`, expected: 'valid flags', received: error.message });
  }
}

function flagName(name: string): string {
  return `--${name}`;
}

/** A string flag's value, or `fallback` when absent. */
export function readString(values: FlagValues, name: string, fallback: string): string;
export function readString(values: FlagValues, name: string): string | undefined;
export function readString(values: FlagValues, name: string, fallback?: string): string | undefined {
  const value = values[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError({ argument: flagName(name), expected: 'a non-empty value', received: value });
  }
  return value;
}

/** A required string flag's value. */
export function requireString(values: FlagValues, name: string, what: string): string {
  const value = readString(values, name);
  if (value === undefined) {
    throw new ConfigError({ argument: flagName(name), expected: what, received: undefined });
  }
  return value;
}

/** A boolean flag: true when given. */
export function readBoolean(values: FlagValues, name: string): boolean {
  return values[name] === true;
}

/** An integer flag in `[min, max]`, or `fallback` when absent. */
export function readInteger(
  values: FlagValues,
  name: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
): number {
  const raw = readString(values, name);
  if (raw === undefined) return fallback;
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  const expected =
    range.min !== undefined && range.max !== undefined
      ? `an integer in [${min}, ${max}]`
      : range.min !== undefined
        ? `an integer ≥ ${min}`
        : 'an integer';
  if (!/^[+-]?\d+$/.test(raw.trim())) throw new ValueError({ argument: flagName(name), expected, received: raw });
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValueError({ argument: flagName(name), expected, received: raw });
  }
  return value;
}

/** An integer flag in `[min, max]`, or undefined when absent. */
export function readOptionalInteger(
  values: FlagValues,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  return readString(values, name) === undefined ? undefined : readInteger(values, name, 0, range);
}

/** A finite number flag in `[min, max]`, or `fallback` when absent. */
export function readNumber(
  values: FlagValues,
  name: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
): number {
  const raw = readString(values, name);
  if (raw === undefined) return fallback;
  const { min = -Infinity, max = Infinity } = range;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    const bounds = Number.isFinite(min) || Number.isFinite(max) ? ` in [${min}, ${max}]` : '';
    throw new ValueError({ argument: flagName(name), expected: `a number${bounds}`, received: raw });
  }
  return value;
}

/** A flag whose value is one of `allowed`, or `fallback` when absent. */
export function readChoice<const T extends string>(
  values: FlagValues,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = readString(values, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError({ argument: flagName(name), expected: `one of ${allowed.join(', ')}`, received: raw });
  }
  return raw as T;
}

/** A comma-separated list of positive integers (`--channels 32,64,64`), or `fallback` when absent. */
export function readIntegerList(values: FlagValues, name: string, fallback: readonly number[]): number[] {
  const raw = readString(values, name);
  if (raw === undefined) return [...fallback];
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part) || Number(part) < 1)) {
    throw new ValueError({
      argument: flagName(name),
      expected: 'comma-separated positive integers, e.g. 32,64,64',
      received: raw,
    });
  }
  return parts.map(Number);
}
