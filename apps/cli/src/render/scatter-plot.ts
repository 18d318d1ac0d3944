/**
 * A 2-D scatter plot rasterised into RGB pixels: point clouds (true distribution, model samples) drawn
 * as translucent disks over a light grid with the axes, for PNG output.
 */
import { ValueError } from '@diffuse/core';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** One point cloud of a scatter plot. */
export interface ScatterLayer {
  /** Interleaved coordinates x0, y0, x1, y1, … */
  points: ArrayLike<number>;
  color: Rgb;
  /** Disk radius in pixels (default 2). */
  radius?: number;
  /** Opacity of one disk, in (0, 1] (default 0.5): dense regions look darker. */
  opacity?: number;
}

/** The data window of a plot. */
export interface PlotBounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** An RGB raster: `data` is row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The smallest square window (equal aspect) holding every point of `layers`, grown by `margin` (a
 * fraction of its side) on each side.
 */
export function fitBounds(layers: readonly ScatterLayer[], margin = 0.08): PlotBounds {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const layer of layers) {
    for (let i = 0; i + 1 < layer.points.length; i += 2) {
      const x = layer.points[i]!;
      const y = layer.points[i + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  }
  if (!Number.isFinite(xMin)) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const side = Math.max(xMax - xMin, yMax - yMin, 1e-6) * (1 + 2 * margin);
  const xCenter = (xMin + xMax) / 2;
  const yCenter = (yMin + yMax) / 2;
  return { xMin: xCenter - side / 2, xMax: xCenter + side / 2, yMin: yCenter - side / 2, yMax: yCenter + side / 2 };
}

function blend(image: RgbImage, x: number, y: number, color: Rgb, alpha: number): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  const offset = 3 * (y * image.width + x);
  for (let c = 0; c < 3; c++) {
    const old = image.data[offset + c]!;
    image.data[offset + c] = Math.round(old + (color[c]! - old) * alpha);
  }
}

function drawGrid(image: RgbImage, bounds: PlotBounds): void {
  const { width, height } = image;
  const span = Math.max(bounds.xMax - bounds.xMin, bounds.yMax - bounds.yMin);
  const step = 10 ** Math.floor(Math.log10(span / 2));
  const toPixelX = (x: number) => Math.round(((x - bounds.xMin) / (bounds.xMax - bounds.xMin)) * (width - 1));
  const toPixelY = (y: number) => Math.round(((bounds.yMax - y) / (bounds.yMax - bounds.yMin)) * (height - 1));
  for (let value = Math.ceil(bounds.xMin / step) * step; value <= bounds.xMax; value += step) {
    const px = toPixelX(value);
    const shade: Rgb = Math.abs(value) < step / 2 ? [150, 150, 150] : [228, 228, 228];
    for (let py = 0; py < height; py++) blend(image, px, py, shade, 1);
  }
  for (let value = Math.ceil(bounds.yMin / step) * step; value <= bounds.yMax; value += step) {
    const py = toPixelY(value);
    const shade: Rgb = Math.abs(value) < step / 2 ? [150, 150, 150] : [228, 228, 228];
    for (let px = 0; px < width; px++) blend(image, px, py, shade, 1);
  }
}

/**
 * Draws `layers` in order (later layers on top) on a white background with grid lines at a round step
 * and darker axes through the origin; y grows upwards.
 *
 * @example
 * const image = renderScatterPlot({ layers: [
 *   { points: truePoints, color: [160, 160, 160] },
 *   { points: samples, color: [220, 80, 20] },
 * ] });
 */
export function renderScatterPlot(options: {
  layers: readonly ScatterLayer[];
  width?: number;
  height?: number;
  bounds?: PlotBounds;
}): RgbImage {
  const width = options.width ?? 512;
  const height = options.height ?? 512;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 8 || value > 8192) {
      throw new ValueError({ argument: name, expected: 'an integer in [8, 8192]', received: value });
    }
  }
  const bounds = options.bounds ?? fitBounds(options.layers);
  if (!(bounds.xMax > bounds.xMin) || !(bounds.yMax > bounds.yMin)) {
    throw new ValueError({ argument: 'bounds', expected: 'xMax > xMin and yMax > yMin', received: bounds });
  }
  const image: RgbImage = { width, height, data: new Uint8Array(width * height * 3).fill(255) };
  drawGrid(image, bounds);
  for (const [index, layer] of options.layers.entries()) {
    if (layer.points.length % 2 !== 0) {
      throw new ValueError({
        argument: `layers[${index}].points`,
        expected: 'an even number of coordinates (x, y pairs)',
        received: layer.points.length,
      });
    }
    const radius = layer.radius ?? 2;
    const alpha = layer.opacity ?? 0.5;
    const reach = Math.ceil(radius);
    for (let i = 0; i < layer.points.length; i += 2) {
      const x = ((layer.points[i]! - bounds.xMin) / (bounds.xMax - bounds.xMin)) * (width - 1);
      const y = ((bounds.yMax - layer.points[i + 1]!) / (bounds.yMax - bounds.yMin)) * (height - 1);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const cx = Math.round(x);
      const cy = Math.round(y);
      for (let dy = -reach; dy <= reach; dy++) {
        for (let dx = -reach; dx <= reach; dx++) {
          if (dx * dx + dy * dy <= radius * radius + 0.25) blend(image, cx + dx, cy + dy, layer.color, alpha);
        }
      }
    }
  }
  return image;
}
