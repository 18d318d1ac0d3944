/** Small DOM helpers: the app is plain TypeScript and DOM, no framework. */

type Attributes = Record<string, string | number | boolean | undefined>;

/** Creates `<tag>` with attributes (booleans toggle; undefined skips) and children. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/** The element with `id`, or an error naming it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id} element`);
  return node as T;
}

/** A `<label>` holding a caption and a control. */
export function labelled(caption: string, control: HTMLElement): HTMLLabelElement {
  return element('label', {}, [caption, control]);
}

/** A `<select>` with the given options (value → caption). */
export function select(id: string, options: Record<string, string>, selected: string): HTMLSelectElement {
  const node = element('select', { id });
  for (const [value, caption] of Object.entries(options)) {
    node.append(element('option', { value, selected: value === selected }, [caption]));
  }
  return node;
}

/** A numeric `<input>`. */
export function numberInput(
  id: string,
  value: number,
  range: { min?: number; max?: number; step?: number | 'any' } = {},
): HTMLInputElement {
  return element('input', { id, type: 'number', value, min: range.min, max: range.max, step: range.step });
}

/** A `<canvas>` of a given pixel size, drawn at `scale`× with crisp pixels. */
export function pixelCanvas(id: string, width: number, height: number, scale = 1): HTMLCanvasElement {
  const canvas = element('canvas', { id, class: 'pixels', width, height });
  canvas.style.width = `${width * scale}px`;
  canvas.style.height = `${height * scale}px`;
  return canvas;
}

/** The 2-D context of a canvas, or an error. */
export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const context = canvas.getContext('2d');
  if (!context) throw new Error(`canvas #${canvas.id} has no 2-D context`);
  return context;
}

/** Reads a number from an input, or throws naming it. */
export function readNumber(input: HTMLInputElement, caption: string): number {
  const value = Number(input.value);
  if (input.value.trim() === '' || !Number.isFinite(value))
    throw new Error(`${caption}: "${input.value}" is not a number`);
  return value;
}

/** Lets the browser paint before continuing (sampling loops yield between steps). */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
