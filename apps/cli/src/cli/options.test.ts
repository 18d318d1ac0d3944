import { ConfigError, ValueError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import {
  type CommandSpec,
  parseFlags,
  readBoolean,
  readChoice,
  readInteger,
  readIntegerList,
  readNumber,
  readString,
  requireString,
} from './options.js';

const spec: CommandSpec = {
  name: 'sample',
  summary: 'test',
  description: 'test',
  flags: {
    steps: { type: 'string', description: 'steps' },
    eta: { type: 'string', description: 'eta' },
    sampler: { type: 'string', description: 'sampler' },
    strip: { type: 'boolean', description: 'strip' },
    out: { type: 'string', description: 'out', short: 'o' },
  },
  examples: [],
};

function caught(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseFlags', () => {
  it('reads string and boolean flags, both --flag value and --flag=value forms', () => {
    const values = parseFlags(spec, ['--steps', '50', '--eta=0.5', '--strip', '-o', 'grid.png']);
    expect(values).toEqual({ steps: '50', eta: '0.5', strip: true, out: 'grid.png' });
  });

  it('names an unknown flag and lists the known ones', () => {
    const error = caught(() => parseFlags(spec, ['--stpes', '50']));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).argument).toBe('--stpes');
    expect((error as ConfigError).message).toContain('--steps');
  });

  it('refuses a value flag without its value and a switch with one', () => {
    expect((caught(() => parseFlags(spec, ['--steps'])) as ConfigError).argument).toBe('--steps');
    expect((caught(() => parseFlags(spec, ['--strip=yes'])) as ConfigError).argument).toBe('--strip');
  });

  it('refuses positional arguments and repeated flags', () => {
    expect(ConfigError.isInstance(caught(() => parseFlags(spec, ['model-dir'])))).toBe(true);
    expect((caught(() => parseFlags(spec, ['--steps', '1', '--steps', '2'])) as ConfigError).argument).toBe('--steps');
  });
});

describe('typed readers', () => {
  it('convert and default', () => {
    const values = parseFlags(spec, ['--steps', '20', '--eta', '0.25', '--sampler', 'ddpm', '--strip']);
    expect(readInteger(values, 'steps', 50, { min: 1 })).toBe(20);
    expect(readNumber(values, 'eta', 0, { min: 0, max: 1 })).toBe(0.25);
    expect(readChoice(values, 'sampler', ['ddim', 'ddpm'], 'ddim')).toBe('ddpm');
    expect(readBoolean(values, 'strip')).toBe(true);
    expect(readString(values, 'out', 'default.png')).toBe('default.png');
    expect(readInteger({}, 'steps', 50)).toBe(50);
  });

  it('name the flag, the expectation and the received text', () => {
    const error = caught(() => readInteger({ steps: '12abc' }, 'steps', 50, { min: 1, max: 1000 })) as ValueError;
    expect(ValueError.isInstance(error)).toBe(true);
    expect(error.message).toBe('`--steps`: expected an integer in [1, 1000], received "12abc"');
    expect(caught(() => readInteger({ steps: '0' }, 'steps', 50, { min: 1 }))).toBeInstanceOf(Error);
    expect((caught(() => readNumber({ eta: 'x' }, 'eta', 0, { min: 0, max: 1 })) as ValueError).argument).toBe('--eta');
    expect((caught(() => readNumber({ eta: '1.5' }, 'eta', 0, { min: 0, max: 1 })) as ValueError).argument).toBe(
      '--eta',
    );
    const choice = caught(() => readChoice({ sampler: 'euler' }, 'sampler', ['ddim', 'ddpm'], 'ddim')) as ConfigError;
    expect(choice.message).toBe('`--sampler`: expected one of ddim, ddpm, received "euler"');
    expect((caught(() => requireString({}, 'model', 'a model folder')) as ConfigError).argument).toBe('--model');
  });

  it('parse integer lists', () => {
    expect(readIntegerList({ channels: '32, 64,64' }, 'channels', [1])).toEqual([32, 64, 64]);
    expect(readIntegerList({}, 'channels', [8, 16])).toEqual([8, 16]);
    expect((caught(() => readIntegerList({ channels: '32,x' }, 'channels', [])) as ValueError).argument).toBe(
      '--channels',
    );
  });
});
