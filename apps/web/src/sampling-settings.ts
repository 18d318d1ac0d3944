/**
 * The sampling controls' values, validated, and their URL form (`?sampler=ddim&steps=25&eta=0&seed=0&batch=8`),
 * so that a run can be linked to and the browser tests can drive the page.
 */

/** The samplers the playground offers. */
export const SAMPLER_NAMES = ['ddim', 'ddpm'] as const;
/** A sampler name. */
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** One sampling run's settings. */
export interface SamplingSettings {
  sampler: SamplerName;
  /** Number of inference steps (model evaluations for these first-order samplers). */
  numInferenceSteps: number;
  /** DDIM's η: 0 deterministic, 1 DDPM-like variance. Ignored by DDPM. */
  eta: number;
  /** Seed of the initial noise and of every step's variance noise. */
  seed: number;
  batchSize: number;
}

/** Defaults: a quick DDIM run. */
export const DEFAULT_SETTINGS: Readonly<SamplingSettings> = Object.freeze({
  sampler: 'ddim',
  numInferenceSteps: 25,
  eta: 0,
  seed: 0,
  batchSize: 8,
});

/** Largest batch the page accepts. */
export const MAX_BATCH_SIZE = 64;

/** Checks every field (`numTrainTimesteps` bounds the steps); throws an Error naming the first bad one. */
export function validateSettings(settings: SamplingSettings, numTrainTimesteps: number): SamplingSettings {
  const integerIn = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${name} must be an integer in [${min}, ${max}], got ${value}`);
    }
  };
  if (!(SAMPLER_NAMES as readonly string[]).includes(settings.sampler)) {
    throw new Error(`sampler must be one of ${SAMPLER_NAMES.join(', ')}, got ${settings.sampler}`);
  }
  integerIn('steps', settings.numInferenceSteps, 1, numTrainTimesteps);
  integerIn('seed', settings.seed, 0, 2 ** 32 - 1);
  integerIn('batch size', settings.batchSize, 1, MAX_BATCH_SIZE);
  if (!Number.isFinite(settings.eta) || settings.eta < 0 || settings.eta > 1) {
    throw new Error(`η must be a number in [0, 1], got ${settings.eta}`);
  }
  return settings;
}

/** Settings from the URL's query (missing keys take the defaults); not yet validated. */
export function settingsFromQuery(search: URLSearchParams): SamplingSettings {
  const number = (key: string, fallback: number) => (search.has(key) ? Number(search.get(key)) : fallback);
  return {
    sampler: (search.get('sampler') ?? DEFAULT_SETTINGS.sampler) as SamplerName,
    numInferenceSteps: number('steps', DEFAULT_SETTINGS.numInferenceSteps),
    eta: number('eta', DEFAULT_SETTINGS.eta),
    seed: number('seed', DEFAULT_SETTINGS.seed),
    batchSize: number('batch', DEFAULT_SETTINGS.batchSize),
  };
}

/** Writes the settings into a query (keeps the other keys, e.g. `backend`). */
export function settingsToQuery(settings: SamplingSettings, search: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams(search);
  query.set('sampler', settings.sampler);
  query.set('steps', String(settings.numInferenceSteps));
  query.set('eta', String(settings.eta));
  query.set('seed', String(settings.seed));
  query.set('batch', String(settings.batchSize));
  return query;
}
