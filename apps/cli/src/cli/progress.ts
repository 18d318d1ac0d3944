/**
 * A progress bar with rate and ETA on stderr. On a TTY it redraws one line in place (at most every
 * `redrawMs`); elsewhere (CI logs, `2> file`) it prints a plain line every `intervalMs` and at the end.
 */

/** Where a progress bar writes: `process.stderr` or a test double. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Shown before the bar: `train`, `sample`. */
  label: string;
  /** Number of units of work (steps, images). */
  total: number;
  /** Units already done before this bar started (a resumed run): excluded from the rate. Default 0. */
  start?: number;
  /** Unit name for the rate: `step` → `3.2 step/s`. */
  unit?: string;
  stream: ProgressStream;
  /** Milliseconds since some origin (default `performance.now`); injectable for tests. */
  clock?: () => number;
  /** Non-TTY: milliseconds between plain lines (default 10 000). */
  intervalMs?: number;
  /** TTY: minimum milliseconds between redraws (default 100). */
  redrawMs?: number;
}

/** `75` → `1:15`, `3725` → `1:02:05`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  const mm = hours > 0 ? String(minutes).padStart(2, '0') : String(minutes);
  return `${hours > 0 ? `${hours}:` : ''}${mm}:${String(secs).padStart(2, '0')}`;
}

function formatRate(rate: number, unit: string): string {
  if (!Number.isFinite(rate) || rate <= 0) return `? ${unit}/s`;
  if (rate >= 1) return `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)} ${unit}/s`;
  return `${(1 / rate).toFixed(1)} s/${unit}`;
}

/**
 * Progress of a known amount of work.
 *
 * @example
 * const bar = new ProgressBar({ label: 'train', total: 1000, unit: 'step', stream: process.stderr });
 * for (let step = 1; step <= 1000; step++) { ...; bar.update(step, `loss ${loss.toFixed(4)}`); }
 * bar.finish();
 */
export class ProgressBar {
  private readonly label: string;
  private readonly total: number;
  private readonly unit: string;
  private readonly stream: ProgressStream;
  private readonly clock: () => number;
  private readonly intervalMs: number;
  private readonly redrawMs: number;
  private readonly startedAt: number;
  private readonly start: number;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private done = 0;
  private status = '';
  private finished = false;

  constructor(options: ProgressBarOptions) {
    this.label = options.label;
    this.total = Math.max(1, options.total);
    this.unit = options.unit ?? 'it';
    this.stream = options.stream;
    this.clock = options.clock ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? 10_000;
    this.redrawMs = options.redrawMs ?? 100;
    this.startedAt = this.clock();
    this.start = Math.min(Math.max(0, options.start ?? 0), this.total);
    this.done = this.start;
  }

  /** Seconds since the bar was created. */
  elapsedSeconds(): number {
    return (this.clock() - this.startedAt) / 1000;
  }

  /** Records that `done` units are complete; `status` is a short text shown after the ETA (loss …). */
  update(done: number, status?: string): void {
    if (this.finished) return;
    this.done = Math.min(Math.max(0, done), this.total);
    if (status !== undefined) this.status = status;
    const now = this.clock();
    const tty = this.stream.isTTY === true;
    if (now - this.lastWriteAt < (tty ? this.redrawMs : this.intervalMs) && this.done < this.total) return;
    this.lastWriteAt = now;
    this.stream.write(tty ? `\r${this.ttyLine()}\u001b[K` : `${this.plainLine()}\n`);
  }

  /** Prints the final line (total time and rate). Idempotent. */
  finish(status?: string): void {
    if (this.finished) return;
    if (status !== undefined) this.status = status;
    const line = `${this.label} ${this.done - this.start}/${this.total - this.start} ${this.unit}s in ${formatDuration(this.elapsedSeconds())} (${formatRate(this.rate(), this.unit)})${this.status ? ` ${this.status}` : ''}`;
    this.stream.write(this.stream.isTTY === true ? `\r${line}\u001b[K\n` : `${line}\n`);
    this.finished = true;
  }

  private rate(): number {
    const elapsed = this.elapsedSeconds();
    return elapsed > 0 ? (this.done - this.start) / elapsed : Number.NaN;
  }

  private etaSeconds(): number {
    const rate = this.rate();
    return this.done === this.start || !(rate > 0) ? Number.NaN : (this.total - this.done) / rate;
  }

  private summary(): string {
    const percent = ((100 * this.done) / this.total).toFixed(0).padStart(3);
    const parts = [
      `${percent}%`,
      `${this.done}/${this.total}`,
      formatRate(this.rate(), this.unit),
      `elapsed ${formatDuration(this.elapsedSeconds())}`,
      `ETA ${formatDuration(this.etaSeconds())}`,
    ];
    return parts.join(' ') + (this.status ? ` ${this.status}` : '');
  }

  private ttyLine(): string {
    const columns = this.stream.columns ?? 100;
    const summary = this.summary();
    const barWidth = Math.max(10, Math.min(40, columns - summary.length - this.label.length - 6));
    const filled = Math.round((barWidth * this.done) / this.total);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${summary}`;
    return line.length > columns - 1 ? line.slice(0, columns - 1) : line;
  }

  private plainLine(): string {
    return `${this.label} ${this.summary()}`;
  }
}
