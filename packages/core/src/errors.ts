/**
 * Typed errors. Every error names the argument at fault, what was expected and what was received,
 * so that a caller can both read it and act on it programmatically.
 *
 * Errors are recognisable across duplicate copies of this package (two versions in one bundle):
 * use `DiffuseError.isInstance(e)` / `ShapeError.isInstance(e)` rather than `instanceof`.
 */

const marker = Symbol.for('@diffuse/core.error');

/** The kinds of {@link DiffuseError}; one subclass each. */
export type DiffuseErrorKind = 'config' | 'shape' | 'value' | 'format' | 'backend' | 'state' | 'io';

/** Named fields of every {@link DiffuseError}. */
export interface DiffuseErrorDetails {
  /** The argument, option or field at fault, e.g. `numInferenceSteps` or `config.beta_schedule`. */
  argument: string;
  /** What was expected, in words: `"an integer in [1, 1000]"`. */
  expected: string;
  /** What was received; rendered with {@link describeValue} (strings are quoted, so pass the value itself). */
  received?: unknown;
  /** Extra sentence appended to the message: a hint on how to fix it. */
  hint?: string;
  /** Underlying error, if any. */
  cause?: unknown;
}

/** Renders a received value compactly for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const head = value.slice(0, 8).map(describeValue).join(', ');
    return `[${head}${value.length > 8 ? `, … (${value.length} items)` : ''}]`;
  }
  if (typeof value === 'object' && value !== null && 'shape' in value && 'dtype' in value) {
    const t = value as { shape: unknown; dtype: unknown };
    return `tensor(${JSON.stringify(t.shape)}, ${String(t.dtype)})`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Base class of every error thrown by @diffuse packages. */
export class DiffuseError extends Error {
  readonly [marker] = true;
  readonly kind: DiffuseErrorKind;
  readonly argument: string;
  readonly expected: string;
  readonly received: string | undefined;
  readonly hint: string | undefined;

  constructor(kind: DiffuseErrorKind, details: DiffuseErrorDetails) {
    const received = 'received' in details ? describeValue(details.received) : undefined;
    const message =
      `\`${details.argument}\`: expected ${details.expected}` +
      (received === undefined ? '' : `, received ${received}`) +
      (details.hint ? `. ${details.hint}` : '');
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = `${kind.charAt(0).toUpperCase()}${kind.slice(1)}Error`;
    this.kind = kind;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = received;
    this.hint = details.hint;
  }

  /** True for any DiffuseError, including one thrown by another copy of this package. */
  static isInstance(error: unknown): error is DiffuseError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

function defineKind(kind: DiffuseErrorKind) {
  return class extends DiffuseError {
    constructor(details: DiffuseErrorDetails) {
      super(kind, details);
    }
    static override isInstance(error: unknown): error is DiffuseError {
      return DiffuseError.isInstance(error) && error.kind === kind;
    }
  };
}

/** A configuration object or option is invalid (unknown key, unknown enum value, inconsistent fields). */
export class ConfigError extends defineKind('config') {}
/** A tensor or array has the wrong shape, rank or dtype. */
export class ShapeError extends defineKind('shape') {}
/** A number or value is out of range, not finite, or otherwise unacceptable. */
export class ValueError extends defineKind('value') {}
/** A file or byte format is malformed (safetensors, IDX, PNG, JSON). */
export class FormatError extends defineKind('format') {}
/** A requested backend is unavailable or failed to initialise. */
export class BackendError extends defineKind('backend') {}
/** An object is used in the wrong state (`step` before `setTimesteps`, use after `dispose`). */
export class StateError extends defineKind('state') {}
/** A file-system or network operation failed (missing file, failed atomic write). */
export class IoError extends defineKind('io') {}
