import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar } from './progress.js';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 120, write: (text: string) => writes.push(text) } };
}

describe('formatDuration', () => {
  it('formats minutes and hours', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});

describe('ProgressBar', () => {
  it('prints plain lines at the interval with rate and ETA when not a TTY', () => {
    let time = 0;
    const { writes, stream } = recorder(false);
    const bar = new ProgressBar({
      label: 'train',
      total: 100,
      unit: 'step',
      stream,
      clock: () => time,
      intervalMs: 10_000,
    });
    for (let step = 1; step <= 100; step++) {
      time = step * 500; // 2 steps/s
      bar.update(step, `loss ${(1 / step).toFixed(3)}`);
    }
    bar.finish();
    // First update, then every 10 s (20 steps), plus the last step and the final line.
    expect(writes.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(writes[0]).toContain('1/100');
    expect(writes[1]).toBe('train  21% 21/100 2.0 step/s elapsed 0:11 ETA 0:40 loss 0.048\n');
    expect(writes.at(-2)).toContain('100/100');
    expect(writes.at(-1)).toBe('train 100/100 steps in 0:50 (2.0 step/s) loss 0.010\n');
    expect(writes.length).toBe(7); // steps 1, 21, 41, 61, 81, 100 and the final line
  });

  it('redraws one line in place on a TTY, throttled', () => {
    let time = 0;
    const { writes, stream } = recorder(true);
    const bar = new ProgressBar({ label: 'sample', total: 10, stream, clock: () => time, redrawMs: 100 });
    bar.update(1);
    time = 50;
    bar.update(2); // throttled
    time = 1000;
    bar.update(5);
    bar.finish();
    expect(writes).toHaveLength(3);
    const escapeCharacter = String.fromCharCode(27);
    expect(writes[1]!.startsWith('\rsample [#')).toBe(true);
    expect(writes[1]!.endsWith(`]  50% 5/10 5.0 it/s elapsed 0:01 ETA 0:01${escapeCharacter}[K`)).toBe(true);
    expect(writes[2]!.endsWith('\n')).toBe(true);
  });

  it('excludes work done before a resumed run from the rate and the ETA', () => {
    let time = 0;
    const { writes, stream } = recorder(false);
    const bar = new ProgressBar({ label: 'train', total: 100, start: 50, unit: 'step', stream, clock: () => time });
    time = 10_000;
    bar.update(60);
    bar.finish();
    expect(writes[0]).toBe('train  60% 60/100 1.0 step/s elapsed 0:10 ETA 0:40\n');
    expect(writes[1]).toBe('train 10/50 steps in 0:10 (1.0 step/s)\n');
  });

  it('shows slow rates as seconds per unit and an unknown ETA before progress', () => {
    let time = 0;
    const { writes, stream } = recorder(false);
    const bar = new ProgressBar({ label: 'x', total: 4, unit: 'image', stream, clock: () => time });
    bar.update(0);
    time = 4000;
    bar.finish();
    expect(writes[0]).toContain('ETA ?');
    time = 0;
    const second = new ProgressBar({ label: 'y', total: 4, unit: 'image', stream, clock: () => time });
    time = 8000;
    second.update(2);
    expect(writes.at(-1)).toContain('4.0 s/image');
  });
});
