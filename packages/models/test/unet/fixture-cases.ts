/**
 * Test helpers: the PyTorch reference cases under `test/fixtures/unet/` (see `test/fixtures/README.md`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, type SafetensorsTensor } from '@diffuse/io';
import { readDiffusersModelFolder } from '@diffuse/io/node';

/** Folder of the UNet fixture cases. */
export const FIXTURE_ROOT = fileURLToPath(new URL('../fixtures/unet/', import.meta.url));

/** `case.json` of a fixture. */
export interface CaseDescription {
  name: string;
  description: string;
  sample_shape_nhwc: number[];
  timestep: number[];
  class_labels: number[] | null;
  num_parameters: number;
  tolerance: { atol: number; rtol: number };
  scalar_timestep?: number;
  legacy_keys?: boolean;
}

/** Names of every fixture case. */
export function fixtureCaseNames(): string[] {
  return readdirSync(FIXTURE_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The description of a case. */
export function readCase(name: string): CaseDescription {
  return JSON.parse(readFileSync(join(FIXTURE_ROOT, name, 'case.json'), 'utf8')) as CaseDescription;
}

/** The inputs and expected output of a case (`io.safetensors`). */
export function readCaseTensors(name: string): Map<string, SafetensorsTensor> {
  return readSafetensors(new Uint8Array(readFileSync(join(FIXTURE_ROOT, name, 'io.safetensors')))).tensors;
}

/** The diffusers model folder of a case. */
export function caseFolder(name: string): string {
  return join(FIXTURE_ROOT, name);
}

/** Reads a case's diffusers files. */
export function readCaseFiles(name: string) {
  return readDiffusersModelFolder(caseFolder(name));
}

/** Elementwise `|got − expected| ≤ atol + rtol·|expected|`: the worst violation ratio and max error. */
export function compareOutputs(
  got: Float32Array,
  expected: Float32Array,
  tolerance: { atol: number; rtol: number },
): { maxAbsError: number; worstRatio: number } {
  if (got.length !== expected.length) throw new Error(`length ${got.length} != ${expected.length}`);
  let maxAbsError = 0;
  let worstRatio = 0;
  for (let i = 0; i < got.length; i++) {
    const error = Math.abs(got[i]! - expected[i]!);
    if (!(error <= maxAbsError)) maxAbsError = error;
    const ratio = error / (tolerance.atol + tolerance.rtol * Math.abs(expected[i]!));
    if (!(ratio <= worstRatio)) worstRatio = ratio;
  }
  return { maxAbsError, worstRatio };
}
