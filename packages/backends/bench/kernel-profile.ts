/**
 * Per-kernel CPU time of a computation: wraps every registered kernel of a backend so that each
 * top-level kernel call adds its process CPU time (user + system) to its kernel name. CPU time, unlike
 * `tf.profile`'s wall time, is not inflated by other jobs competing for the cores.
 */
import * as tf from '@tensorflow/tfjs-core';

/** CPU milliseconds and call counts by kernel name. */
export type KernelTimes = Map<string, { cpuMs: number; calls: number }>;

/** Runs `body` with `backendName`'s kernels instrumented and returns the CPU time spent in each. */
export async function profileKernels(backendName: string, body: () => Promise<void> | void): Promise<KernelTimes> {
  const times: KernelTimes = new Map();
  const originals = tf.getKernelsForBackend(backendName);
  let depth = 0;
  for (const config of originals) {
    const wrapped: tf.KernelConfig = {
      ...config,
      kernelFunc: (args) => {
        if (depth > 0) return config.kernelFunc(args);
        depth++;
        const start = process.cpuUsage();
        try {
          return config.kernelFunc(args);
        } finally {
          const used = process.cpuUsage(start);
          depth--;
          const entry = times.get(config.kernelName) ?? { cpuMs: 0, calls: 0 };
          entry.cpuMs += (used.user + used.system) / 1000;
          entry.calls++;
          times.set(config.kernelName, entry);
        }
      },
    };
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel(wrapped);
  }
  try {
    await body();
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  return times;
}

/** The `count` most expensive kernels as `name: ms (calls)` lines. */
export function formatKernelTimes(times: KernelTimes, count = 12): string[] {
  return [...times]
    .sort((a, b) => b[1].cpuMs - a[1].cpuMs)
    .slice(0, count)
    .map(([name, { cpuMs, calls }]) => `${name}: ${cpuMs.toFixed(1)} ms (${calls} calls)`);
}
