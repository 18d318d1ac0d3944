/** Minimal canvas plots: line series (linear or log y) with an optional marker, and 2-D scatter. */
import { context2d } from './dom.js';

/** One line. */
export interface Series {
  label: string;
  colour: string;
  /** y values at x = 0, 1, …, or explicit [x, y] points. */
  values: ArrayLike<number>;
  x?: ArrayLike<number>;
}

/** Options of {@link drawLines}. */
export interface LineOptions {
  /** Plot y on a log10 axis (non-positive values are skipped). */
  logY?: boolean;
  /** A vertical marker at this x. */
  markerX?: number;
  /** Fixed y range; default: the data's. */
  yRange?: [number, number];
  title?: string;
}

const MARGIN = { left: 44, right: 10, top: 18, bottom: 20 };

function foreground(canvas: HTMLCanvasElement): string {
  return getComputedStyle(canvas).color || '#444';
}

/** Draws line series on `canvas` (cleared first), with axes labelled at the extremes and a legend. */
export function drawLines(canvas: HTMLCanvasElement, series: readonly Series[], options: LineOptions = {}): void {
  const context = context2d(canvas);
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const transform = (y: number) => (options.logY ? Math.log10(y) : y);
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const line of series) {
    for (let i = 0; i < line.values.length; i++) {
      const x = line.x ? line.x[i]! : i;
      const y = transform(line.values[i]!);
      if (!Number.isFinite(y)) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  if (options.yRange) [minY, maxY] = options.yRange.map(transform) as [number, number];
  const colour = foreground(canvas);
  context.font = '11px system-ui, sans-serif';
  context.fillStyle = colour;
  if (options.title) context.fillText(options.title, MARGIN.left, 12);
  if (!Number.isFinite(minX) || !Number.isFinite(minY)) return;
  if (maxX === minX) maxX = minX + 1;
  if (maxY === minY) maxY = minY + 1;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + ((x - minX) / (maxX - minX)) * plotWidth;
  const py = (y: number) => MARGIN.top + (1 - (y - minY) / (maxY - minY)) * plotHeight;
  context.strokeStyle = colour;
  context.globalAlpha = 0.4;
  context.strokeRect(MARGIN.left, MARGIN.top, plotWidth, plotHeight);
  context.globalAlpha = 1;
  const label = (y: number) => {
    const value = options.logY ? 10 ** y : y;
    return Math.abs(value) >= 1000 || (Math.abs(value) < 0.01 && value !== 0)
      ? value.toExponential(0)
      : value.toPrecision(2);
  };
  context.fillText(label(maxY), 2, MARGIN.top + 8);
  context.fillText(label(minY), 2, MARGIN.top + plotHeight);
  context.fillText(String(Math.round(minX)), MARGIN.left, height - 5);
  const maxLabel = String(Math.round(maxX));
  context.fillText(maxLabel, width - MARGIN.right - context.measureText(maxLabel).width, height - 5);
  let legendX = MARGIN.left + plotWidth;
  for (const line of series) {
    context.strokeStyle = line.colour;
    context.lineWidth = 1.5;
    context.beginPath();
    let started = false;
    for (let i = 0; i < line.values.length; i++) {
      const y = transform(line.values[i]!);
      if (!Number.isFinite(y)) continue;
      const x = px(line.x ? line.x[i]! : i);
      const clamped = Math.min(Math.max(py(y), MARGIN.top), MARGIN.top + plotHeight);
      if (started) context.lineTo(x, clamped);
      else context.moveTo(x, clamped);
      started = true;
    }
    context.stroke();
    legendX -= context.measureText(line.label).width + 8;
    context.fillStyle = line.colour;
    context.fillText(line.label, legendX, 12);
  }
  if (options.markerX !== undefined) {
    context.strokeStyle = colour;
    context.lineWidth = 1;
    context.setLineDash([3, 3]);
    context.beginPath();
    context.moveTo(px(options.markerX), MARGIN.top);
    context.lineTo(px(options.markerX), MARGIN.top + plotHeight);
    context.stroke();
    context.setLineDash([]);
  }
  context.lineWidth = 1;
}

/** Draws 2-D points (row-major [n, 2]) in a fixed square range, optionally over reference points in grey. */
export function drawScatter(
  canvas: HTMLCanvasElement,
  points: ArrayLike<number>,
  options: { range: number; colour: string; reference?: ArrayLike<number>; title?: string },
): void {
  const context = context2d(canvas);
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const scale = Math.min(width, height) / (2 * options.range);
  const dot = (data: ArrayLike<number>, colour: string) => {
    context.fillStyle = colour;
    for (let i = 0; i + 1 < data.length; i += 2) {
      context.fillRect(width / 2 + data[i]! * scale - 1, height / 2 - data[i + 1]! * scale - 1, 2, 2);
    }
  };
  if (options.reference) dot(options.reference, 'rgba(128, 128, 128, 0.35)');
  dot(points, options.colour);
  if (options.title) {
    context.fillStyle = foreground(canvas);
    context.font = '11px system-ui, sans-serif';
    context.fillText(options.title, 4, 12);
  }
}
