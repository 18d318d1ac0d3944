/**
 * Conversion between a diffusers state dict (PyTorch layouts, diffusers names, possibly the legacy
 * attention names) and the model's tfjs-layout values, with strict key and shape checks.
 */
import { FormatError } from '@diffuse/core';
import { fromTorchLayout, type ParameterSpec, sizeOf, torchShape, toTorchLayout } from './parameter-spec.js';

/** A named float32 array in row-major order (what `@diffuse/io` reads and writes). */
export interface NamedArray {
  shape: readonly number[];
  data: Float32Array;
}

/** A weight whose shape differs from the model's. */
export interface ShapeMismatch {
  name: string;
  expected: number[];
  received: number[];
}

/**
 * A weights file does not fit the model: keys the model needs but the file lacks, keys the file has but
 * the model does not know, and shapes that differ. A `FormatError` (recognise it with
 * `FormatError.isInstance` or `WeightMismatchError.isWeightMismatch`).
 */
export class WeightMismatchError extends FormatError {
  readonly missingKeys: string[];
  readonly unexpectedKeys: string[];
  readonly shapeMismatches: ShapeMismatch[];

  constructor(options: {
    source: string;
    missingKeys: string[];
    unexpectedKeys: string[];
    shapeMismatches: ShapeMismatch[];
  }) {
    const { missingKeys, unexpectedKeys, shapeMismatches } = options;
    const problems = [
      missingKeys.length > 0 ? `missing keys: ${missingKeys.join(', ')}` : '',
      unexpectedKeys.length > 0 ? `unexpected keys: ${unexpectedKeys.join(', ')}` : '',
      ...shapeMismatches.map(
        (m) => `shape of ${m.name}: expected [${m.expected.join(', ')}], received [${m.received.join(', ')}]`,
      ),
    ].filter(Boolean);
    super({
      argument: options.source,
      expected: 'exactly the parameters of the model config, with their PyTorch shapes',
      received: `${missingKeys.length} missing, ${unexpectedKeys.length} unexpected and ${shapeMismatches.length} mis-shaped weight(s)`,
      hint: `${problems.join('; ')}. Check that config.json belongs to these weights`,
    });
    this.name = 'WeightMismatchError';
    this.missingKeys = missingKeys;
    this.unexpectedKeys = unexpectedKeys;
    this.shapeMismatches = shapeMismatches;
  }

  /** True for a {@link WeightMismatchError}, also from another copy of this package. */
  static isWeightMismatch(error: unknown): error is WeightMismatchError {
    return FormatError.isInstance(error) && Array.isArray((error as Partial<WeightMismatchError>).missingKeys);
  }
}

const LEGACY_ATTENTION_NAMES: Readonly<Record<string, string>> = {
  query: 'to_q',
  key: 'to_k',
  value: 'to_v',
  proj_attn: 'to_out.0',
};
const LEGACY_ATTENTION_KEY = /^(.*\.attentions\.\d+)\.(query|key|value|proj_attn)\.(weight|bias)$/;

/**
 * The current name of a diffusers weight: the legacy attention names of old checkpoints
 * (`query`, `key`, `value`, `proj_attn`) become `to_q`, `to_k`, `to_v`, `to_out.0`, as diffusers'
 * `_fix_state_dict_keys_on_load` renames them (`group_norm` keeps its name).
 *
 * @example
 * currentWeightName('mid_block.attentions.0.proj_attn.weight'); // 'mid_block.attentions.0.to_out.0.weight'
 */
export function currentWeightName(name: string): string {
  const match = LEGACY_ATTENTION_KEY.exec(name);
  if (match === null) return name;
  const [, path, legacy, kind] = match;
  return `${path}.${LEGACY_ATTENTION_NAMES[legacy!]}.${kind}`;
}

/**
 * Converts a diffusers state dict into tfjs-layout values for `specs`. Throws a
 * {@link WeightMismatchError} listing every missing, unexpected or mis-shaped key.
 *
 * @example
 * const values = weightsFromDiffusers({ specs: plan.parameters, tensors: files.weights.tensors });
 */
export function weightsFromDiffusers(options: {
  specs: readonly ParameterSpec[];
  tensors: ReadonlyMap<string, NamedArray>;
  source?: string;
}): Map<string, Float32Array> {
  const renamed = new Map<string, NamedArray>();
  for (const [name, tensor] of options.tensors) renamed.set(currentWeightName(name), tensor);
  const known = new Set(options.specs.map((spec) => spec.name));
  const missingKeys: string[] = [];
  const shapeMismatches: ShapeMismatch[] = [];
  const values = new Map<string, Float32Array>();
  for (const spec of options.specs) {
    const tensor = renamed.get(spec.name);
    if (tensor === undefined) {
      missingKeys.push(spec.name);
      continue;
    }
    const expected = torchShape(spec);
    const received = [...tensor.shape];
    if (received.length !== expected.length || received.some((d, i) => d !== expected[i])) {
      shapeMismatches.push({ name: spec.name, expected, received });
      continue;
    }
    if (tensor.data.length !== sizeOf(expected)) {
      shapeMismatches.push({ name: spec.name, expected, received: [tensor.data.length] });
      continue;
    }
    values.set(spec.name, fromTorchLayout(spec, tensor.data));
  }
  const unexpectedKeys = [...options.tensors.keys()].filter((name) => !known.has(currentWeightName(name)));
  if (missingKeys.length + unexpectedKeys.length + shapeMismatches.length > 0) {
    throw new WeightMismatchError({
      source: options.source ?? 'weights',
      missingKeys,
      unexpectedKeys,
      shapeMismatches,
    });
  }
  return values;
}

/**
 * Converts tfjs-layout values into a diffusers state dict (PyTorch layouts), in the order of `specs`.
 *
 * @example
 * const tensors = weightsToDiffusers({ specs: plan.parameters, values });
 */
export function weightsToDiffusers(options: {
  specs: readonly ParameterSpec[];
  values: ReadonlyMap<string, Float32Array>;
}): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const spec of options.specs) {
    const data = options.values.get(spec.name);
    if (data === undefined) {
      throw new FormatError({ argument: 'values', expected: `a value for "${spec.name}"`, received: 'none' });
    }
    out.set(spec.name, { shape: torchShape(spec), data: toTorchLayout(spec, data) });
  }
  return out;
}
