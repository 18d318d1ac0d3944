import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackends } from '@diffuse/backends/testing';
import { disposeAll, IoError } from '@diffuse/core';
import { readDiffusersModelFolder, writeFileAtomic } from '@diffuse/io/node';
import { MlpDenoiser } from '@diffuse/models';
import { createSchedule } from '@diffuse/schedules';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ToyDataset } from '../data/toy-2d.js';
import { Trainer } from '../trainer.js';
import { LATEST_CHECKPOINT_FILE, latestCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';

const schedule = createSchedule({ numTrainTimesteps: 50 });

function makeTrainer(modelSeed = 1): Trainer {
  return new Trainer({
    model: new MlpDenoiser({ config: { hiddenSize: 16, numLayers: 2, timeEmbeddingDimension: 8 }, seed: modelSeed }),
    dataset: new ToyDataset({ distribution: 'eight-gaussians', seed: 2 }),
    schedule,
    batchSize: 8,
    seed: 4,
    learningRate: { learningRate: 1e-2, warmupSteps: 3, decay: 'cosine', totalSteps: 10 },
    maxGradNorm: 1,
    ema: { maxDecay: 0.9 },
  });
}

async function train(trainer: Trainer, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) disposeAll(await trainer.trainStep());
}

function release(trainer: Trainer): void {
  (trainer.options.model as MlpDenoiser).dispose();
  trainer.dispose();
}

async function snapshot(trainer: Trainer): Promise<number[]> {
  const state = trainer.getState();
  const tensors = [state.model, state.optimizer.firstMoments, state.optimizer.secondMoments, state.ema!.weights];
  const values: number[] = [];
  for (const record of tensors)
    for (const name of Object.keys(record).sort()) values.push(...(await record[name]!.data()));
  disposeAll(state);
  return values;
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'diffuse-checkpoint-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describeBackends(
  'checkpoints',
  () => {
    it('resume from disk continues exactly like an uninterrupted run', async () => {
      const straight = makeTrainer();
      await train(straight, 6);
      const first = makeTrainer();
      await train(first, 4);
      const saved = await saveCheckpoint({ directory, trainer: first, config: { distribution: 'eight-gaussians' } });
      expect(saved).toBe(join(directory, 'checkpoint-4'));
      release(first);

      const resumed = makeTrainer(123);
      const { state, config } = await loadCheckpoint(directory);
      resumed.setState(state);
      disposeAll(state);
      expect(config).toEqual({ distribution: 'eight-gaussians' });
      await train(resumed, 2);
      const [a, b] = [await snapshot(resumed), await snapshot(straight)];
      expect(a.length).toBe(b.length);
      expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThanOrEqual(1e-6);

      // The exported sampling model loads back as an MlpDenoiser.
      const files = await readDiffusersModelFolder(join(saved, 'ema_model'));
      const exported = MlpDenoiser.fromConfigAndWeights({ config: files.config, weights: files.weights.tensors });
      expect(exported.config.hiddenSize).toBe(16);
      exported.dispose();
      release(resumed);
      release(straight);
    });

    it('a checkpoint that fails mid-write leaves the previous one as latest and loadable', async () => {
      const trainer = makeTrainer();
      await train(trainer, 3);
      await saveCheckpoint({ directory, trainer });
      const expected = await snapshot(trainer);
      await train(trainer, 2);
      let writes = 0;
      const failing = async (path: string, data: Uint8Array | string) => {
        writes += 1;
        if (path.endsWith('optimizer.safetensors')) throw new Error('disk full (simulated)');
        await writeFileAtomic(path, data);
      };
      await expect(saveCheckpoint({ directory, trainer, writeFile: failing })).rejects.toSatisfy(IoError.isInstance);
      expect(writes).toBeGreaterThan(1);
      expect((await readFile(join(directory, LATEST_CHECKPOINT_FILE), 'utf8')).trim()).toBe('checkpoint-3');
      expect(await latestCheckpoint(directory)).toBe(join(directory, 'checkpoint-3'));
      expect((await readdir(directory)).sort()).toEqual(['checkpoint-3', 'latest']);

      const restored = makeTrainer(77);
      const { state } = await loadCheckpoint(directory);
      restored.setState(state);
      disposeAll(state);
      expect(restored.step).toBe(3);
      expect(await snapshot(restored)).toEqual(expected);

      // a later successful save replaces `latest`, and keepLast prunes the old ones
      await saveCheckpoint({ directory, trainer, keepLast: 1 });
      expect((await readdir(directory)).sort()).toEqual(['checkpoint-5', 'latest']);
      release(trainer);
      release(restored);
    });

    it('names a missing checkpoint clearly', async () => {
      await expect(loadCheckpoint(join(directory, 'nothing'))).rejects.toThrow(/checkpoint folder or a run folder/);
    });
  },
  { only: ['cpu'] },
);
