/** Metrics as JSON Lines: one JSON object per line, appended as training goes. */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IoError } from '@diffuse/core';
import type { StepMetrics } from '../run-training.js';

/**
 * Appends one JSON object per call to `path` (creating its folder). Appending keeps the history of a
 * resumed run in the same file. Pass `writer.write` as `runTraining`'s `onMetrics`.
 *
 * @example
 * const writer = new JsonlMetricsWriter('runs/moons/metrics.jsonl');
 * await runTraining({ trainer, untilStep: 3000, onMetrics: writer.write });
 */
export class JsonlMetricsWriter {
  readonly path: string;
  private ready: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Appends `record` (a {@link StepMetrics} or any JSON-serialisable object) as one line. */
  readonly write = async (record: StepMetrics | Record<string, unknown>): Promise<void> => {
    this.ready ??= mkdir(dirname(this.path), { recursive: true }).then(() => undefined);
    try {
      await this.ready;
      await appendFile(this.path, `${JSON.stringify(record)}\n`);
    } catch (cause) {
      throw new IoError({ argument: this.path, expected: 'a writable metrics file', received: String(cause), cause });
    }
  };
}
