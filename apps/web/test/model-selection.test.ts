import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isModelManifest } from '../src/model-manifest.js';
import { FIXTURE_MODEL_FOLDER, PRETRAINED_MODEL_FOLDER, selectModel } from '../src/model-selection.js';

/** A fake repository with the fixture folder, and the pretrained one when asked. */
function fakeRepository(options: { pretrained: boolean; schedulerConfig?: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'diffuse-web-models-'));
  const folders = [FIXTURE_MODEL_FOLDER, ...(options.pretrained ? [PRETRAINED_MODEL_FOLDER] : [])];
  for (const folder of folders) {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'config.json'), '{}');
    writeFileSync(join(root, folder, 'diffusion_pytorch_model.safetensors'), '');
    if (options.schedulerConfig) writeFileSync(join(root, folder, 'scheduler_config.json'), '{}');
  }
  return root;
}

describe('selectModel', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('ships the pretrained model when the repository has it, with its scheduler config', () => {
    const root = fakeRepository({ pretrained: true, schedulerConfig: true });
    roots.push(root);
    const { directory, manifest } = selectModel(root);
    expect(directory).toBe(join(root, PRETRAINED_MODEL_FOLDER));
    expect(manifest.source).toBe('pretrained');
    expect(manifest.files).toEqual(['config.json', 'diffusion_pytorch_model.safetensors', 'scheduler_config.json']);
    expect(isModelManifest(manifest)).toBe(true);
  });

  it('falls back to the fixture, and says so', () => {
    const root = fakeRepository({ pretrained: false });
    roots.push(root);
    const { directory, manifest } = selectModel(root);
    expect(directory).toBe(join(root, FIXTURE_MODEL_FOLDER));
    expect(manifest.source).toBe('fixture');
    expect(manifest.description).toMatch(/not in this checkout/);
    expect(manifest.files).toEqual(['config.json', 'diffusion_pytorch_model.safetensors']);
  });

  it('builds with a custom folder, and refuses one without a model', () => {
    const root = fakeRepository({ pretrained: true });
    roots.push(root);
    const { manifest } = selectModel(root, { customDirectory: FIXTURE_MODEL_FOLDER });
    expect(manifest.source).toBe('custom');
    expect(manifest.origin).toBe(join(root, FIXTURE_MODEL_FOLDER));
    expect(() => selectModel(root, { customDirectory: 'missing' })).toThrow(/no diffusers model/);
  });

  it('finds the real fixture in this repository', () => {
    const { manifest } = selectModel(join(import.meta.dirname, '../../..'), { customDirectory: FIXTURE_MODEL_FOLDER });
    expect(manifest.files).toContain('diffusion_pytorch_model.safetensors');
  });
});
