/** Timing helpers shared by the benchmarks: medians of repeated runs after warm-ups. */
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link medianMilliseconds}. */
export interface TimingOptions {
  /** Untimed runs first (kernel setup, XNNPACK operator creation, JIT). */
  warmups?: number;
  /** Timed runs; the median is reported. */
  runs?: number;
  /** Stop adding runs once this many milliseconds were spent timing (at least 1 run). */
  budgetMs?: number;
}

/** Medians of one measurement, in milliseconds. */
export interface Timing {
  /** Median wall-clock time. */
  wallMs: number;
  /**
   * Median CPU time of this process (user + system). On a machine shared with other jobs this is the
   * steadier measure of the work done: it does not count time spent waiting for a core.
   */
  cpuMs: number;
  /** Fastest wall-clock run. */
  minWallMs: number;
  /** Number of timed runs. */
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Times `body`: it returns the tensors it made; they are read (`await data()`, which also waits for
 * asynchronous backends) and disposed inside the timing.
 */
export async function measure(
  body: () => tf.Tensor | tf.Tensor[],
  { warmups = 1, runs = 5, budgetMs = 20_000 }: TimingOptions = {},
): Promise<Timing> {
  const once = async (): Promise<[number, number]> => {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const result = body();
    const list = Array.isArray(result) ? result : [result];
    for (const tensor of list) await tensor.data();
    const elapsed = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    tf.dispose(list);
    return [elapsed, (cpu.user + cpu.system) / 1000];
  };
  for (let i = 0; i < warmups; i++) await once();
  const walls: number[] = [];
  const cpus: number[] = [];
  let spent = 0;
  while (walls.length < runs && (walls.length === 0 || spent < budgetMs)) {
    const [wall, cpu] = await once();
    walls.push(wall);
    cpus.push(cpu);
    spent += wall;
  }
  return { wallMs: median(walls), cpuMs: median(cpus), minWallMs: Math.min(...walls), runs: walls.length };
}

/** Median wall time of `body` in milliseconds (see {@link measure}). */
export async function medianMilliseconds(
  body: () => tf.Tensor | tf.Tensor[],
  options?: TimingOptions,
): Promise<number> {
  return (await measure(body, options)).wallMs;
}

/** GFLOP/s of `flops` floating-point operations done in `milliseconds`. */
export function gflops(flops: number, milliseconds: number): number {
  return flops / milliseconds / 1e6;
}
