/**
 * Config helpers: configs are plain JSON objects. In code they are camelCase; on disk they use
 * diffusers' snake_case keys plus `_class_name` and `_diffusers_version`.
 */
import { ConfigError, ValueError } from './errors.js';

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** `num_train_timesteps` → `numTrainTimesteps`. */
export function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `numTrainTimesteps` → `num_train_timesteps`. */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** What to do with keys a reader does not know. */
export type UnknownKeyPolicy = 'error' | 'warn' | 'ignore';

/** The result of {@link readDiffusersConfig}. */
export interface ParsedConfig<T> {
  /** `_class_name`, if present. */
  className: string | undefined;
  /** Known keys, camelCase. */
  config: Partial<T>;
  /** Keys (as written) that the reader does not know. */
  unknownKeys: string[];
  /** Metadata keys starting with `_` (e.g. `_diffusers_version`), as written. */
  metadata: Record<string, unknown>;
}

/**
 * Reads a diffusers-style config (snake_case or camelCase keys) against the list of known camelCase
 * keys. Unknown keys are reported according to `onUnknownKeys` (default `warn`: a console warning listing
 * them; `error`: a ConfigError; `ignore`: only returned in `unknownKeys`).
 *
 * @example
 * const { config } = readDiffusersConfig<{ numTrainTimesteps: number }>({
 *   json: { _class_name: 'DDPMScheduler', num_train_timesteps: 1000 },
 *   knownKeys: ['numTrainTimesteps'],
 *   argument: 'schedulerConfig',
 * });
 */
export function readDiffusersConfig<T>(options: {
  json: unknown;
  knownKeys: readonly (keyof T & string)[];
  argument?: string;
  onUnknownKeys?: UnknownKeyPolicy;
}): ParsedConfig<T> {
  const argument = options.argument ?? 'config';
  const { json } = options;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError({ argument, expected: 'a JSON object', received: json });
  }
  const known = new Set<string>(options.knownKeys);
  const config: Record<string, unknown> = {};
  const unknownKeys: string[] = [];
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('_')) {
      metadata[key] = value;
      continue;
    }
    const camel = toCamelCase(key);
    if (!known.has(camel)) {
      unknownKeys.push(key);
      continue;
    }
    if (camel in config) {
      throw new ConfigError({
        argument: `${argument}.${key}`,
        expected: 'each key once (snake_case or camelCase, not both)',
        received: key,
      });
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new ValueError({ argument: `${argument}.${key}`, expected: 'a finite number', received: value });
    }
    config[camel] = value;
  }
  const policy = options.onUnknownKeys ?? 'warn';
  if (unknownKeys.length > 0 && policy !== 'ignore') {
    const error = new ConfigError({
      argument,
      expected: `only known keys (${[...known].map(toSnakeCase).join(', ')})`,
      received: unknownKeys,
      hint: policy === 'warn' ? 'They are ignored' : 'Remove them, or pass onUnknownKeys: "warn"',
    });
    if (policy === 'error') throw error;
    console.warn(`[@diffuse] ${error.message}`);
  }
  const className = typeof metadata._class_name === 'string' ? metadata._class_name : undefined;
  return { className, config: config as Partial<T>, unknownKeys, metadata };
}

/**
 * Writes a camelCase config as diffusers JSON: snake_case keys, `_class_name` first.
 * `undefined` values are dropped; typed arrays become arrays.
 */
export function writeDiffusersConfig(options: {
  className: string;
  config: object;
  diffusersVersion?: string;
}): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = { _class_name: options.className };
  if (options.diffusersVersion !== undefined) out._diffusers_version = options.diffusersVersion;
  for (const [key, value] of Object.entries(options.config)) {
    if (value === undefined) continue;
    out[toSnakeCase(key)] = ArrayBuffer.isView(value)
      ? Array.from(value as unknown as ArrayLike<number>)
      : (value as JsonValue);
  }
  return out;
}
