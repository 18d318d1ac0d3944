import { describe, expect, it } from 'vitest';
import { ConfigError, ValueError } from './errors.js';
import {
  requireBoolean,
  requireFinite,
  requireInRange,
  requireInteger,
  requireOneOf,
  requirePositive,
} from './validate.js';

describe('validators', () => {
  it('return the value when it is acceptable', () => {
    expect(requireFinite('x', -2.5)).toBe(-2.5);
    expect(requireInteger('n', 3, { min: 0, max: 3 })).toBe(3);
    expect(requireInRange('p', 1, 0, 1)).toBe(1);
    expect(requirePositive('scale', 1e-9)).toBe(1e-9);
    expect(requireOneOf('kind', 'b', ['a', 'b'])).toBe('b');
    expect(requireBoolean('flag', false)).toBe(false);
  });

  it('name the argument, the expectation and the received value', () => {
    expect(() => requireFinite('x', '1')).toThrow('`x`: expected a finite number, received "1"');
    expect(() => requireInteger('n', 2.5, { min: 0 })).toThrow('`n`: expected an integer ≥ 0, received 2.5');
    expect(() => requireInteger('n', 4, { min: 0, max: 3 })).toThrow('`n`: expected an integer in [0, 3], received 4');
    expect(() => requireInteger('n', -1, { max: 3 })).not.toThrow();
    expect(() => requireInRange('p', 1.5, 0, 1)).toThrow('`p`: expected a number in [0, 1], received 1.5');
    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => requirePositive('scale', value)).toThrow(ValueError);
    }
    expect(() => requirePositive('scale', 0)).toThrow('`scale`: expected a finite number > 0, received 0');
    expect(() => requireOneOf('kind', 'c', ['a', 'b'])).toThrow('`kind`: expected one of "a", "b", received "c"');
    expect(() => requireOneOf('kind', 'c', ['a', 'b'])).toThrow(ConfigError);
    expect(() => requireBoolean('flag', 'yes')).toThrow('`flag`: expected a boolean, received "yes"');
  });
});
