// Command-line parsing with node's util.parseArgs: global options may come before or after the
// command; each command's own options are parsed strictly (unknown option = usage error).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './exit';
import { TRAIN_OPTIONS } from './commands/train-options';

export const COMMANDS = ['inpaint', 'history', 'models', 'serve', 'train', 'finetune', 'restore'] as const;
export type Command = (typeof COMMANDS)[number];

type Options = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  library: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies Options;

export const COMMAND_OPTIONS = {
  inpaint: {
    mask: { type: 'string', short: 'm' },
    'source-mask': { type: 'string' },
    'source-mode': { type: 'string' },
    output: { type: 'string', short: 'o' },
    overwrite: { type: 'boolean' },
    engine: { type: 'string', short: 'e' },
    blend: { type: 'string', short: 'b' },
    dilate: { type: 'string', short: 'd' },
    seed: { type: 'string', short: 's' },
    model: { type: 'string' },
    lambda: { type: 'string' },
    iters: { type: 'string' },
    restarts: { type: 'string' },
    lr: { type: 'string' },
    refine: { type: 'string' },
    start: { type: 'string' },
  },
  history: {},
  models: {
    output: { type: 'string', short: 'o' },
    // models import (issue 18)
    kind: { type: 'string' },
    preset: { type: 'string' },
    name: { type: 'string', short: 'n' },
    channels: { type: 'string' },
    'image-range': { type: 'string' },
    'mask-range': { type: 'string' },
    'mask-polarity': { type: 'string' },
    'output-range': { type: 'string' },
    'max-side': { type: 'string' },
    multiple: { type: 'string' },
  },
  train: { ...TRAIN_OPTIONS, arch: { type: 'string', short: 'a' }, ngf: { type: 'string' }, ndf: { type: 'string' }, nz: { type: 'string' } },
  finetune: { ...TRAIN_OPTIONS, base: { type: 'string' } },
  restore: {
    sensitivity: { type: 'string' },
    denoise: { type: 'boolean' },
    'denoise-strength': { type: 'string' },
    tears: { type: 'boolean' },
    'no-tone': { type: 'boolean' },
    workers: { type: 'string', short: 'w' },
    overwrite: { type: 'boolean' },
    suffix: { type: 'string' },
    quality: { type: 'string', short: 'q' },
    'wide-model': { type: 'string' },
    detector: { type: 'string' },
  },
  serve: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
  },
} as const satisfies Record<Command, Options>;

export interface Parsed {
  command: Command | undefined;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function isCommand(s: string): s is Command {
  return (COMMANDS as readonly string[]).includes(s);
}

export function parseCommandLine(argv: string[]): Parsed {
  // Find the command: the first positional after any global options.
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    if (argv[i] === '--library') i++; // its value
    i++;
  }
  const word = argv[i];
  let command: Command | undefined;
  if (word !== undefined) {
    if (!isCommand(word)) throw new UsageError(`unknown command '${word}' (commands: ${COMMANDS.join(', ')})`);
    command = word;
  }
  const rest = command ? [...argv.slice(0, i), ...argv.slice(i + 1)] : argv;
  const options: Options = { ...GLOBAL_OPTIONS, ...(command ? COMMAND_OPTIONS[command] : {}) };
  try {
    const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    return { command, values: values as Parsed['values'], positionals };
  } catch (e) {
    // parseArgs' messages are clear ("Unknown option '--foo'"); drop its stack and code.
    throw new UsageError((e as Error).message);
  }
}

/** Integer option within [min, max], or the default when absent. */
export function intOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  if (!/^-?\d+$/.test(s)) throw new UsageError(`--${name} must be an integer, got '${s}'`);
  const n = Number(s);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Decimal option within [min, max], or undefined when absent. */
export function numberOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${s}'`);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function choiceOption<T extends string>(value: unknown, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  if (!(choices as readonly string[]).includes(s)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${s}'`);
  }
  return s as T;
}
