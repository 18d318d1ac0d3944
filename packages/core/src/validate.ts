import { ConfigError, ValueError } from './errors.js';

/** Checks that `value` is a finite number; returns it. */
export function requireFinite(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError({ argument, expected: 'a finite number', received: value });
  }
  return value;
}

/** Checks that `value` is an integer in `[min, max]` (bounds optional); returns it. */
export function requireInteger(argument: string, value: unknown, range: { min?: number; max?: number } = {}): number {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const bounds =
      range.min !== undefined && range.max !== undefined
        ? ` in [${min}, ${max}]`
        : range.min !== undefined
          ? ` ≥ ${min}`
          : range.max !== undefined
            ? ` ≤ ${max}`
            : '';
    throw new ValueError({ argument, expected: `an integer${bounds}`, received: value });
  }
  return value;
}

/** Checks that `value` is a finite number in `[min, max]`; returns it. */
export function requireInRange(argument: string, value: unknown, min: number, max: number): number {
  const number = requireFinite(argument, value);
  if (number < min || number > max) {
    throw new ValueError({ argument, expected: `a number in [${min}, ${max}]`, received: value });
  }
  return number;
}

/** Checks that `value` is a finite number > 0; returns it. */
export function requirePositive(argument: string, value: unknown): number {
  const number = requireFinite(argument, value);
  if (number <= 0) throw new ValueError({ argument, expected: 'a finite number > 0', received: value });
  return number;
}

/** Checks that `value` is one of `allowed`; returns it typed. */
export function requireOneOf<const T extends string>(argument: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError({ argument, expected: `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, received: value });
  }
  return value as T;
}

/** Checks that `value` is a boolean; returns it. */
export function requireBoolean(argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError({ argument, expected: 'a boolean', received: value });
  return value;
}
