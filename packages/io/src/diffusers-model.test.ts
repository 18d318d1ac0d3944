import { FormatError, IoError } from '@diffuse/core';
import { describe, expect, it } from 'vitest';
import { fetchDiffusersModel, parseDiffusersModel, stringifyConfigJson } from './diffusers-model.js';
import { writeSafetensors } from './write-safetensors.js';

const weights = writeSafetensors({ tensors: { 'conv_in.bias': { shape: [2], data: new Float32Array([1, 2]) } } });
const configText = '{"_class_name": "UNet2DModel", "sample_size": 8}';

/** A fetch that serves a fixed set of URLs and records what it was asked for. */
function fakeFetch(files: Record<string, Uint8Array | string | number>): { fetch: typeof fetch; requested: string[] } {
  const requested: string[] = [];
  const fetchFunction = (async (input: string | URL | Request) => {
    const url = String(input);
    requested.push(url);
    const file = files[url];
    if (file === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' });
    if (typeof file === 'number') throw new TypeError(`fetch failed (code ${file})`);
    return new Response(file as unknown as BodyInit);
  }) as typeof fetch;
  return { fetch: fetchFunction, requested };
}

describe('parseDiffusersModel', () => {
  it('parses config text or objects and the weights', () => {
    const files = parseDiffusersModel({ config: configText, weights });
    expect(files.config).toEqual({ _class_name: 'UNet2DModel', sample_size: 8 });
    expect([...(files.weights.tensors.get('conv_in.bias')?.data ?? [])]).toEqual([1, 2]);
    expect(parseDiffusersModel({ config: { a: 1 }, weights }).config).toEqual({ a: 1 });
  });

  it('refuses a config that is not a JSON object', () => {
    expect(() => parseDiffusersModel({ config: '[1]', weights })).toThrow(FormatError);
    expect(() => parseDiffusersModel({ config: '{', weights })).toThrow(/config\.json.*valid JSON/);
  });
});

describe('fetchDiffusersModel', () => {
  const base = 'https://models.example/ddpm/unet';

  it('GETs config.json and diffusion_pytorch_model.safetensors under the base URL', async () => {
    const { fetch, requested } = fakeFetch({
      [`${base}/config.json`]: configText,
      [`${base}/diffusion_pytorch_model.safetensors`]: weights,
    });
    const files = await fetchDiffusersModel(`${base}/`, { fetch });
    expect(requested.sort()).toEqual([`${base}/config.json`, `${base}/diffusion_pytorch_model.safetensors`]);
    expect(files.config.sample_size).toBe(8);
    expect(files.weights.tensors.size).toBe(1);
  });

  it('uses weightsName', async () => {
    const { fetch } = fakeFetch({ [`${base}/config.json`]: configText, [`${base}/w.fp16.safetensors`]: weights });
    expect((await fetchDiffusersModel(base, { fetch, weightsName: 'w.fp16.safetensors' })).weights.tensors.size).toBe(
      1,
    );
  });

  it('turns HTTP and network failures into IoErrors naming the URL', async () => {
    const missing = fakeFetch({ [`${base}/config.json`]: configText });
    await expect(fetchDiffusersModel(base, { fetch: missing.fetch })).rejects.toSatisfy(
      (error: unknown) =>
        IoError.isInstance(error) &&
        error.message.includes(`${base}/diffusion_pytorch_model.safetensors`) &&
        /HTTP 404 Not Found/.test(error.message),
    );
    const offline = fakeFetch({ [`${base}/config.json`]: 7, [`${base}/diffusion_pytorch_model.safetensors`]: weights });
    await expect(fetchDiffusersModel(base, { fetch: offline.fetch })).rejects.toSatisfy(
      (error: unknown) => IoError.isInstance(error) && /network error: fetch failed/.test(error.message),
    );
    const corrupt = fakeFetch({
      [`${base}/config.json`]: configText,
      [`${base}/diffusion_pytorch_model.safetensors`]: 'x',
    });
    await expect(fetchDiffusersModel(base, { fetch: corrupt.fetch })).rejects.toSatisfy(FormatError.isInstance);
  });
});

describe('stringifyConfigJson', () => {
  it('sorts keys recursively and refuses non-finite numbers', () => {
    expect(stringifyConfigJson({ b: { z: 1, a: [new Float32Array([0.5])] }, a: true, u: undefined })).toBe(
      '{\n  "a": true,\n  "b": {\n    "a": [\n      [\n        0.5\n      ]\n    ],\n    "z": 1\n  }\n}\n',
    );
    expect(() => stringifyConfigJson({ beta_end: Number.POSITIVE_INFINITY })).toThrow(/config\.beta_end.*finite/);
  });
});
