import { readFileSync } from 'node:fs';
import { ShapeError, ValueError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from './read-safetensors.js';
import { writeSafetensors } from './write-safetensors.js';

const pythonWritten = new Uint8Array(
  readFileSync(new URL('../test/fixtures/python-written.safetensors', import.meta.url)),
);

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, text: new TextDecoder().decode(bytes.subarray(8, 8 + length)) };
}

describe('writeSafetensors', () => {
  it('reproduces a file written by the Python safetensors library byte for byte', () => {
    const file = readSafetensors(pythonWritten);
    expect(file.metadata).toEqual({ layout: 'NHWC' });
    expect([...file.tensors.keys()]).toEqual(['expected', 'sample', 'timestep']);
    expect(file.tensors.get('sample')?.shape).toEqual([2, 8, 16, 3]);
    expect([...(file.tensors.get('timestep')?.data ?? [])]).toEqual([10, 500]);
    // First values as numpy reads them (np.frombuffer(..., np.float32)).
    const expected = [...(file.tensors.get('expected')?.data.subarray(0, 4) ?? [])];
    expect(expected.map((value) => Number(value.toFixed(8)))).toEqual([
      -0.00081779, -0.08979136, -0.02674642, 0.11926453,
    ]);
    // Reversed insertion order: the writer sorts as the reference implementation does.
    const tensors = new Map([...file.tensors].reverse());
    expect(writeSafetensors({ tensors, metadata: file.metadata })).toEqual(pythonWritten);
  });

  it('round-trips F32 values, metadata, scalars and empty tensors exactly', () => {
    const tensors = {
      'down.0.weight': { shape: [2, 3], data: new Float32Array([1.5, -2, 3e-38, 1e38, Number.NaN, -0]) },
      scalar: { shape: [], data: new Float32Array([Math.PI]) },
      empty: { shape: [0], data: new Float32Array(0) },
      'empty.3d': { shape: [2, 0, 3], data: new Float32Array(0) },
      'ünïcode ✓': { shape: [1], data: new Float32Array([Number.NEGATIVE_INFINITY]) },
    };
    const bytes = writeSafetensors({ tensors, metadata: { format: 'pt', note: 'weights "quoted" \n' } });
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt', note: 'weights "quoted" \n' });
    expect(file.tensors.size).toBe(5);
    for (const [name, tensor] of Object.entries(tensors)) {
      const read = file.tensors.get(name);
      expect(read?.dtype).toBe('F32');
      expect(read?.shape).toEqual(tensor.shape);
      expect([...(read?.data ?? [])]).toEqual([...tensor.data]);
    }
    expect(Object.is(file.tensors.get('down.0.weight')?.data[5], -0)).toBe(true);
  });

  it('writes a deterministic, 8-byte-aligned, space-padded, sorted header', () => {
    const tensors = new Map([
      ['b', { shape: [1], data: new Float32Array([1]) }],
      ['10', { shape: [1], data: new Float32Array([2]) }],
      ['9', { shape: [1], data: new Float32Array([3]) }],
      ['a', { shape: [1], data: new Float32Array([4]) }],
    ]);
    const bytes = writeSafetensors({ tensors, metadata: { z: '1', a: '2' } });
    const { length, text } = headerOf(bytes);
    expect((8 + length) % 8).toBe(0);
    expect(text.trimEnd()).toBe(
      '{"__metadata__":{"a":"2","z":"1"},' +
        '"10":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
        '"9":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},' +
        '"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
        '"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}',
    );
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    expect(bytes.length).toBe(8 + length + 16);
    expect(writeSafetensors({ tensors: new Map([...tensors].reverse()), metadata: { a: '2', z: '1' } })).toEqual(bytes);
    expect(headerOf(writeSafetensors({ tensors: {} })).text.trimEnd()).toBe('{}');
    expect(headerOf(writeSafetensors({ tensors: {}, metadata: {} })).text.trimEnd()).toBe('{}');
  });

  it('writes F16 and BF16 that read back exactly for representable values and rounded otherwise', () => {
    const representable = new Float32Array([0, -0, 1, -2.5, 65504, 2 ** -24, 0.099975586, Number.POSITIVE_INFINITY]);
    const half = readSafetensors(
      writeSafetensors({ tensors: { x: { shape: [8], data: representable } }, dtype: 'F16' }),
    );
    expect(half.tensors.get('x')?.dtype).toBe('F16');
    expect([...(half.tensors.get('x')?.data ?? [])]).toEqual([...representable]);
    const bfloat = new Float32Array([1, -3, 2 ** 100, 2 ** -126, 0.5]);
    const readBack = readSafetensors(writeSafetensors({ tensors: { x: { shape: [5], data: bfloat } }, dtype: 'BF16' }));
    expect(readBack.tensors.get('x')?.dtype).toBe('BF16');
    expect([...(readBack.tensors.get('x')?.data ?? [])]).toEqual([1, -3, 2 ** 100, 2 ** -126, 0.5]);
    const rounded = readSafetensors(
      writeSafetensors({ tensors: { x: { shape: [2], data: new Float32Array([0.1, 70000]) } }, dtype: 'F16' }),
    );
    expect([...(rounded.tensors.get('x')?.data ?? [])]).toEqual([0.0999755859375, Number.POSITIVE_INFINITY]);
  });

  it('refuses invalid input with typed errors naming the tensor', () => {
    const data = new Float32Array(6);
    expect(() => writeSafetensors({ tensors: { w: { shape: [2, 2], data } } })).toThrowError(
      expect.objectContaining({ kind: 'shape', argument: 'tensors["w"].data' }),
    );
    expect(() => writeSafetensors({ tensors: { w: { shape: [-6], data } } })).toThrow(ShapeError);
    expect(() => writeSafetensors({ tensors: { w: { shape: [6], data: [0, 1] as unknown as Float32Array } } })).toThrow(
      /tensors\["w"\]\.data/,
    );
    expect(() => writeSafetensors({ tensors: { __metadata__: { shape: [6], data } } })).toThrow(ValueError);
    expect(() => writeSafetensors({ tensors: { '\ud800': { shape: [6], data } } })).toThrow(ValueError);
    expect(() => writeSafetensors({ tensors: {}, metadata: { a: 1 as unknown as string } })).toThrow(/metadata\.a/);
    expect(() => writeSafetensors({ tensors: {}, dtype: 'F64' as 'F32' })).toThrow(ValueError);
  });
});
