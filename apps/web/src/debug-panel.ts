/**
 * Debug panel: `tf.memory()` live, and the live-tensor count after each finished run, so that a leak
 * shows as a count that climbs from run to run.
 */
import type { BackendChoice } from '@diffuse/backends';
import * as tf from '@tensorflow/tfjs-core';
import { element } from './dom.js';

/** `tf.memory()` in the fields the panel shows. */
export interface MemorySnapshot {
  numTensors: number;
  numDataBuffers: number;
  numBytes: number;
  /** WebGPU: bytes in GPU buffers, when the backend reports it. */
  numBytesInGPU?: number;
}

/** Reads `tf.memory()`. */
export function memorySnapshot(): MemorySnapshot {
  const info = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return {
    numTensors: info.numTensors,
    numDataBuffers: info.numDataBuffers,
    numBytes: info.numBytes,
    ...(info.numBytesInGPU !== undefined ? { numBytesInGPU: info.numBytesInGPU } : {}),
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** The debug panel; `recordRun(label)` notes the live-tensor count after a run. */
export class DebugPanel {
  private readonly stats = element('dl', { class: 'stats', id: 'memory-stats' });
  private readonly runs = element('ol', { id: 'run-history', class: 'note' });
  private readonly history: { label: string; numTensors: number }[] = [];

  constructor(
    root: HTMLElement,
    private readonly backend: () => BackendChoice | undefined,
  ) {
    root.append(
      element('h2', { id: 'debug-title' }, ['Debug']),
      this.stats,
      element('p', { class: 'note' }, ['Live tensors after each run (flat = no leak):']),
      this.runs,
    );
    this.refresh();
    setInterval(() => this.refresh(), 500);
  }

  /** Live-tensor counts recorded after each run, oldest first. */
  get runHistory(): readonly { label: string; numTensors: number }[] {
    return this.history;
  }

  /** Records the live-tensor count now, after a run named `label`. */
  recordRun(label: string): void {
    const { numTensors } = memorySnapshot();
    this.history.push({ label, numTensors });
    this.runs.append(element('li', {}, [`${label}: ${numTensors} tensors`]));
    while (this.runs.childElementCount > 12) this.runs.firstElementChild?.remove();
    this.refresh();
  }

  private refresh(): void {
    const memory = memorySnapshot();
    const choice = this.backend();
    const rows: [string, string][] = [
      ['backend', choice ? `${choice.backend} (${choice.details})` : (tf.getBackend() ?? '—')],
      ['tensors', String(memory.numTensors)],
      ['data buffers', String(memory.numDataBuffers)],
      ['bytes', formatBytes(memory.numBytes)],
    ];
    if (memory.numBytesInGPU !== undefined) rows.push(['GPU bytes', formatBytes(memory.numBytesInGPU)]);
    this.stats.replaceChildren(
      ...rows.flatMap(([name, value]) => [element('dt', {}, [name]), element('dd', {}, [value])]),
    );
  }
}
