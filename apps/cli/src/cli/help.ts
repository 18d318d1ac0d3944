/**
 * `--help` texts, generated from each command's {@link CommandSpec} so that the help and the parser
 * cannot disagree.
 */
import type { CommandSpec } from './options.js';

function flagLabel(name: string, type: 'string' | 'boolean', valueName?: string, short?: string): string {
  const long = type === 'string' ? `--${name} ${valueName ?? 'VALUE'}` : `--${name}`;
  return short ? `-${short}, ${long}` : `    ${long}`;
}

function flagRows(spec: CommandSpec): string[] {
  const rows = Object.entries(spec.flags).map(([name, flag]) => ({
    label: flagLabel(name, flag.type, flag.valueName, flag.short),
    text: flag.defaultText === undefined ? flag.description : `${flag.description} (default: ${flag.defaultText})`,
  }));
  rows.push({ label: flagLabel('help', 'boolean', undefined, 'h'), text: 'Show this help' });
  const width = Math.max(...rows.map((row) => row.label.length)) + 2;
  return rows.map((row) => `  ${row.label.padEnd(width)}${row.text}`);
}

/** The `diffuse <command> --help` text. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [
    `Usage: diffuse ${spec.name} [flags]`,
    '',
    spec.summary,
    '',
    ...spec.description.split('\n').map((line) => line.trimEnd()),
    '',
    'Flags:',
    ...flagRows(spec),
  ];
  if (spec.examples.length > 0) lines.push('', 'Examples:', ...spec.examples.map((example) => `  ${example}`));
  return `${lines.join('\n')}\n`;
}

/** The `diffuse --help` text; `mainJob` is the command that runs without a command name. */
export function mainHelp(specs: readonly CommandSpec[], mainJob: CommandSpec): string {
  const width = Math.max(...specs.map((spec) => spec.name.length)) + 2;
  return [
    'Usage: diffuse [command] [flags]',
    '',
    'Train, sample, evaluate and benchmark diffusion models on TensorFlow.js (Node).',
    '',
    'Commands:',
    ...specs.map((spec) => `  ${spec.name.padEnd(width)}${spec.summary}`),
    '',
    'Without a command, runs the main job:',
    ...mainJob.description.split('\n').map((line) => `  ${line.trimEnd()}`),
    '',
    'Flags of the main job:',
    ...flagRows(mainJob),
    '',
    'Run `diffuse <command> --help` for the flags of a command.',
    'DIFFUSE_BACKEND=wasm|cpu|webgpu|tensorflow forces a tfjs backend.',
    'Exit status: 0 success, 1 runtime error, 2 usage error (bad flag or path).',
    '',
  ].join('\n');
}
