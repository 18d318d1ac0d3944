import { describe, expect, it } from 'vitest';
import { ConfigError, DiffuseError, describeValue, FormatError, ShapeError } from './errors.js';

describe('DiffuseError family', () => {
  it('names the argument, the expectation and what was received', () => {
    const error = new ShapeError({ argument: 'sample', expected: 'a rank-4 tensor (NHWC)', received: [2, 3] });
    expect(error.message).toBe('`sample`: expected a rank-4 tensor (NHWC), received [2, 3]');
    expect(error).toMatchObject({ name: 'ShapeError', kind: 'shape', argument: 'sample', received: '[2, 3]' });
    expect(error).toBeInstanceOf(Error);
  });

  it('is recognised across duplicate package copies through a global symbol', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@diffuse/core.error')]: true, kind: 'format' });
    expect(DiffuseError.isInstance(foreign)).toBe(true);
    expect(FormatError.isInstance(foreign)).toBe(true);
    expect(ConfigError.isInstance(foreign)).toBe(false);
    expect(DiffuseError.isInstance(new Error('plain'))).toBe(false);
  });

  it('describes values compactly', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue('x'.repeat(100))).toMatch(/\.\.\."$/);
    expect(describeValue(Array.from({ length: 20 }, (_, i) => i))).toMatch(/20 items/);
    expect(describeValue({ shape: [1, 2], dtype: 'float32' })).toBe('tensor([1,2], float32)');
    expect(describeValue(new Float32Array(3))).toBe('Float32Array(3)');
  });
});
