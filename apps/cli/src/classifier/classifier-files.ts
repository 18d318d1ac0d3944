/**
 * The classifier on disk: `config.json` (architecture and how it was trained, accuracy included) and
 * `model.safetensors` (float32 weights in tfjs layout: HWIO convolutions, [in, out] dense).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, IoError } from '@diffuse/core';
import { readSafetensors, writeSafetensors } from '@diffuse/io';
import { writeFileAtomic } from '@diffuse/io/node';
import { type ClassifierConfig, FashionClassifier, type NamedWeight } from './fashion-classifier.js';

/** The committed classifier, relative to the package root. */
export const CLASSIFIER_WEIGHTS_NAME = 'model.safetensors';
const CONFIG_NAME = 'config.json';

/** What `config.json` records besides the architecture. */
export interface ClassifierRecord {
  config: ClassifierConfig;
  /** Accuracy on the 10 000 test images. */
  testAccuracy: number;
  /** How it was trained (command, epochs, time, backend). */
  training: Record<string, string | number>;
}

/** Writes `classifier` and its record into `directory`. */
export async function saveClassifier(
  directory: string,
  classifier: FashionClassifier,
  record: Omit<ClassifierRecord, 'config'>,
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const weights = await classifier.exportWeights();
  const bytes = writeSafetensors({ tensors: weights, metadata: { format: 'tfjs', layout: 'NHWC/HWIO' } });
  await writeFileAtomic(join(directory, CLASSIFIER_WEIGHTS_NAME), bytes);
  const json = {
    _class_name: 'FashionClassifier',
    ...classifier.config,
    convChannels: [...classifier.config.convChannels],
    testAccuracy: record.testAccuracy,
    training: record.training,
  };
  await writeFileAtomic(join(directory, CONFIG_NAME), `${JSON.stringify(json, null, 2)}\n`);
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new IoError({
      argument: 'classifier',
      expected: `a readable file ${path}`,
      received: (error as { code?: string }).code ?? 'unreadable',
      hint: 'Train one with `diffuse train-classifier --out DIR` or pass --classifier DIR',
      cause: error,
    });
  }
}

/** Loads the classifier saved in `directory`, with its record. */
export async function loadClassifier(
  directory: string,
): Promise<{ classifier: FashionClassifier; record: ClassifierRecord }> {
  const text = new TextDecoder().decode(await readBytes(join(directory, CONFIG_NAME)));
  const json = JSON.parse(text) as Record<string, unknown>;
  const channels = json.convChannels;
  if (!Array.isArray(channels) || channels.length !== 3 || typeof json.featureDim !== 'number') {
    throw new ConfigError({
      argument: join(directory, CONFIG_NAME),
      expected: 'a FashionClassifier config (convChannels [3 numbers], featureDim, …)',
      received: json,
    });
  }
  const config: ClassifierConfig = {
    imageSize: Number(json.imageSize),
    inChannels: Number(json.inChannels),
    convChannels: [Number(channels[0]), Number(channels[1]), Number(channels[2])],
    featureDim: json.featureDim,
    numClasses: Number(json.numClasses),
  };
  const file = readSafetensors(await readBytes(join(directory, CLASSIFIER_WEIGHTS_NAME)));
  const weights: Record<string, NamedWeight> = {};
  for (const [name, entry] of file.tensors) weights[name] = { shape: entry.shape, data: entry.data };
  const classifier = FashionClassifier.fromWeights(config, weights);
  return {
    classifier,
    record: {
      config,
      testAccuracy: Number(json.testAccuracy),
      training: (json.training ?? {}) as Record<string, string | number>,
    },
  };
}
