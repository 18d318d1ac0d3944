import { describeBackends } from '@diffuse/backends/testing';
import { disposeAll, liveTensorCount } from '@diffuse/core';
import { MlpDenoiser } from '@diffuse/models';
import { createSchedule } from '@diffuse/schedules';
import { expect, it } from 'vitest';
import { ToyDataset } from './data/toy-2d.js';
import { runTraining, type StepMetrics } from './run-training.js';
import { Trainer, type TrainerOptions } from './trainer.js';

const schedule = createSchedule({ numTrainTimesteps: 100, betaSchedule: 'squaredcos_cap_v2' });

function makeTrainer(overrides: Partial<TrainerOptions> & { hiddenSize?: number; modelSeed?: number } = {}): Trainer {
  const { hiddenSize = 32, modelSeed = 7, ...options } = overrides;
  return new Trainer({
    model: new MlpDenoiser({ config: { hiddenSize, numLayers: 2, timeEmbeddingDimension: 16 }, seed: modelSeed }),
    dataset: new ToyDataset({ distribution: 'two-moons', seed: 3 }),
    schedule,
    batchSize: 16,
    seed: 11,
    learningRate: { learningRate: 3e-3, warmupSteps: 2, decay: 'cosine', totalSteps: 20 },
    maxGradNorm: 1,
    ema: { maxDecay: 0.99 },
    ...options,
  });
}

function release(trainer: Trainer): void {
  (trainer.options.model as MlpDenoiser).dispose();
  trainer.dispose();
}

async function weights(trainer: Trainer): Promise<Float32Array[]> {
  const state = trainer.getState();
  const arrays = [
    ...Object.values(state.model),
    ...Object.values(state.optimizer.firstMoments),
    ...Object.values(state.optimizer.secondMoments),
    ...Object.values(state.ema?.weights ?? {}),
  ];
  const data = await Promise.all(arrays.map(async (t) => (await t.data()) as Float32Array));
  disposeAll(state);
  return data;
}

function expectClose(actual: Float32Array[], expected: Float32Array[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  actual.forEach((array, i) => {
    array.forEach((x, j) => {
      worst = Math.max(worst, Math.abs(x - expected[i]![j]!));
    });
  });
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describeBackends(
  'Trainer',
  () => {
    it('lowers the loss of an MLP on two moons', async () => {
      const trainer = makeTrainer({
        batchSize: 128,
        hiddenSize: 64,
        learningRate: { learningRate: 3e-3, warmupSteps: 10 },
        ema: undefined,
      });
      const losses: number[] = [];
      await runTraining({ trainer, untilStep: 300, metricsEvery: 1, onMetrics: (m) => void losses.push(m.loss) });
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const first = mean(losses.slice(0, 20));
      const last = mean(losses.slice(-50));
      expect(losses).toHaveLength(300);
      expect(last).toBeLessThan(0.75 * first);
      release(trainer);
    });

    it('continues exactly after a resume: N steps = k steps + state round trip + N − k steps', async () => {
      const straight = makeTrainer({ gradientAccumulationSteps: 2 });
      for (let i = 0; i < 6; i++) disposeAll(await straight.trainStep());

      const first = makeTrainer({ gradientAccumulationSteps: 2 });
      for (let i = 0; i < 3; i++) disposeAll(await first.trainStep());
      const state = first.getState();
      release(first);
      const resumed = makeTrainer({ gradientAccumulationSteps: 2, modelSeed: 99 });
      resumed.setState(state);
      disposeAll(state);
      expect(resumed.step).toBe(3);
      for (let i = 0; i < 3; i++) disposeAll(await resumed.trainStep());
      expectClose(await weights(resumed), await weights(straight), 1e-6);
      release(straight);
      release(resumed);
    });

    it('accumulating two half-batches equals one full-batch step', async () => {
      const full = makeTrainer({ batchSize: 16 });
      const halves = makeTrainer({ batchSize: 8, gradientAccumulationSteps: 2 });
      const fullResult = await full.trainStep();
      const halvesResult = await halves.trainStep();
      expect((await halvesResult.loss.data())[0]).toBeCloseTo((await fullResult.loss.data())[0]!, 5);
      expect((await halvesResult.gradientNorm!.data())[0]).toBeCloseTo((await fullResult.gradientNorm!.data())[0]!, 5);
      disposeAll([fullResult, halvesResult]);
      expectClose(await weights(halves), await weights(full), 1e-6);
      // and a different split of the data is not the same step (the comparison can fail)
      const other = makeTrainer({ batchSize: 8 });
      disposeAll(await other.trainStep());
      const [a, b] = [await weights(other), await weights(full)];
      expect(Math.max(...a[0]!.map((x, i) => Math.abs(x - b[0]![i]!)))).toBeGreaterThan(1e-5);
      for (const trainer of [full, halves, other]) release(trainer);
    });

    it('holds the live tensor count flat over 1 000 steps', async () => {
      const trainer = makeTrainer({ batchSize: 4, hiddenSize: 8, gradientAccumulationSteps: 2 });
      const counts: number[] = [];
      await runTraining({
        trainer,
        untilStep: 1000,
        metricsEvery: 100,
        onMetrics: (metrics) => void counts.push(metrics.memory.numTensors),
      });
      expect(counts).toHaveLength(10);
      expect(new Set(counts).size).toBe(1);
      const before = liveTensorCount();
      release(trainer);
      expect(liveTensorCount()).toBeLessThan(before);
    });

    it('reports metrics and runs periodic hooks', async () => {
      const trainer = makeTrainer();
      const reported: StepMetrics[] = [];
      const hookSteps: number[] = [];
      let clock = 0;
      const last = await runTraining({
        trainer,
        untilStep: 7,
        metricsEvery: 3,
        onMetrics: (m) => void reported.push(m),
        hooks: [{ every: 2, run: ({ step }) => void hookSteps.push(step) }],
        now: () => (clock += 500),
      });
      expect(reported.map((m) => m.step)).toEqual([3, 6, 7]);
      expect(hookSteps).toEqual([2, 4, 6]);
      expect(last).toBe(reported[2]);
      const third = reported[0]!;
      // step index 2 is the first after the 2 warmup steps: the peak; index 5 is 3/18 into the cosine.
      expect(third.learningRate).toBeCloseTo(3e-3, 12);
      expect(reported[1]!.learningRate).toBeCloseTo(3e-3 * 0.5 * (1 + Math.cos(Math.PI / 6)), 12);
      expect(third.emaDecay).toBeCloseTo(3 / 12, 12);
      expect(Number.isFinite(third.loss) && third.loss > 0).toBe(true);
      expect(third.gradientNorm).toBeGreaterThan(0);
      // The clock ticks 0.5 s per reading (one at the start, one per report): 3 steps of 16 examples per 0.5 s.
      expect(reported[1]!.stepsPerSecond).toBeCloseTo(6, 10);
      expect(reported[1]!.examplesPerSecond).toBeCloseTo(96, 10);
      expect(reported[1]!.elapsedSeconds).toBeCloseTo(1, 10);
      expect(trainer.step).toBe(7);
      // An abort stops the loop after the current step.
      const controller = new AbortController();
      await runTraining({
        trainer,
        untilStep: 20,
        metricsEvery: 1,
        signal: controller.signal,
        onMetrics: (m) => {
          if (m.step === 9) controller.abort();
        },
      });
      expect(trainer.step).toBe(9);
      release(trainer);
    });
  },
  { only: ['cpu'] },
);
