/**
 * A diffusers model as files: `config.json` (the constructor arguments, snake_case) next to
 * `diffusion_pytorch_model.safetensors` (the weights under diffusers' parameter names, PyTorch layouts).
 * This module parses them from bytes and fetches them over HTTP; `@diffuse/io/node` reads and writes folders.
 */
import { FormatError, IoError } from '@diffuse/core';
import { readSafetensors, type SafetensorsFile } from './read-safetensors.js';

/** Default weights file name of a diffusers model folder. */
export const DIFFUSERS_WEIGHTS_NAME = 'diffusion_pytorch_model.safetensors';
/** Config file name of a diffusers model folder. */
export const DIFFUSERS_CONFIG_NAME = 'config.json';

/** A diffusers model's config and weights. */
export interface DiffusersModelFiles {
  /** The parsed `config.json` (snake_case keys, `_class_name`, …). */
  config: Record<string, unknown>;
  /** The parsed weights. */
  weights: SafetensorsFile;
}

/**
 * Parses a JSON config (text or an already-parsed value) and checks that it is an object.
 * `source` names the file in errors.
 *
 * @example
 * parseConfigJson('{"_class_name": "UNet2DModel"}', 'config.json'); // { _class_name: 'UNet2DModel' }
 */
export function parseConfigJson(
  text: string | Record<string, unknown>,
  source = 'config.json',
): Record<string, unknown> {
  let json: unknown = text;
  if (typeof text === 'string') {
    try {
      json = JSON.parse(text);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new FormatError({ argument: source, expected: 'valid JSON', received: reason, cause });
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new FormatError({ argument: source, expected: 'a JSON object', received: json });
  }
  return json as Record<string, unknown>;
}

/**
 * Serialises a config the way diffusers' `save_config` does: keys sorted (recursively), two-space indent,
 * trailing newline. Non-finite numbers are refused (JSON cannot hold them).
 *
 * @example
 * stringifyConfigJson({ sample_size: 32, _class_name: 'UNet2DModel' });
 * // '{\n  "_class_name": "UNet2DModel",\n  "sample_size": 32\n}\n'
 */
export function stringifyConfigJson(config: Record<string, unknown>, source = 'config'): string {
  return `${JSON.stringify(sortKeys(config, source), null, 2)}\n`;
}

function sortKeys(value: unknown, path: string): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new FormatError({ argument: path, expected: 'a finite number (JSON has no NaN or ∞)', received: value });
  }
  if (Array.isArray(value)) return value.map((item, i) => sortKeys(item, `${path}[${i}]`));
  if (ArrayBuffer.isView(value)) return sortKeys(Array.from(value as unknown as ArrayLike<number>), path);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = sortKeys((value as Record<string, unknown>)[key], `${path}.${key}`);
      if (item !== undefined) Object.defineProperty(out, key, { value: item, enumerable: true, writable: true });
    }
    return out;
  }
  return value;
}

/**
 * Parses a diffusers model from its config (JSON text or object) and its safetensors bytes.
 *
 * @example
 * const { config, weights } = parseDiffusersModel({ config: configText, weights: safetensorsBytes });
 * config._class_name; // 'UNet2DModel'
 */
export function parseDiffusersModel(options: {
  config: string | Record<string, unknown>;
  weights: Uint8Array;
}): DiffusersModelFiles {
  return { config: parseConfigJson(options.config, DIFFUSERS_CONFIG_NAME), weights: readSafetensors(options.weights) };
}

/**
 * Downloads `${baseUrl}/config.json` and `${baseUrl}/diffusion_pytorch_model.safetensors` (or
 * `weightsName`) and parses them. HTTP and network failures are {@link IoError}s naming the URL;
 * malformed files are {@link FormatError}s. For a Hugging Face Hub model folder use
 * `https://huggingface.co/<repo>/resolve/main/<subfolder>`.
 *
 * @example
 * const model = await fetchDiffusersModel('https://example.com/models/ddpm-cifar10/unet');
 */
export async function fetchDiffusersModel(
  baseUrl: string,
  options: { fetch?: typeof fetch; weightsName?: string } = {},
): Promise<DiffusersModelFiles> {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  if (typeof fetchFunction !== 'function') {
    throw new IoError({
      argument: 'options.fetch',
      expected: 'a fetch function (none is global here)',
      received: fetchFunction,
    });
  }
  const base = baseUrl.replace(/\/+$/, '');
  const [configBytes, weights] = await Promise.all([
    fetchBytes(fetchFunction, `${base}/${DIFFUSERS_CONFIG_NAME}`),
    fetchBytes(fetchFunction, `${base}/${options.weightsName ?? DIFFUSERS_WEIGHTS_NAME}`),
  ]);
  let configText: string;
  try {
    configText = new TextDecoder('utf-8', { fatal: true }).decode(configBytes);
  } catch (cause) {
    throw new FormatError({
      argument: `${base}/${DIFFUSERS_CONFIG_NAME}`,
      expected: 'UTF-8 JSON',
      received: 'invalid UTF-8',
      cause,
    });
  }
  return {
    config: parseConfigJson(configText, `${base}/${DIFFUSERS_CONFIG_NAME}`),
    weights: readSafetensors(weights),
  };
}

async function fetchBytes(fetchFunction: typeof fetch, url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchFunction(url);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IoError({ argument: url, expected: 'a reachable URL', received: `network error: ${reason}`, cause });
  }
  if (!response.ok) {
    throw new IoError({
      argument: url,
      expected: 'an HTTP 2xx response',
      received: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    });
  }
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    throw new IoError({ argument: url, expected: 'a complete response body', received: String(cause), cause });
  }
}
