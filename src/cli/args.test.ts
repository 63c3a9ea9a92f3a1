import { describe, expect, it } from 'vitest';
import { choiceOption, intOption, parseCommandLine } from './args';
import { EXIT, UsageError, classify } from './exit';
import { ProgressReporter } from './progress';
import { ApiError } from '../shared/api';
import { ArgumentError } from '../core/app';

describe('parseCommandLine', () => {
  it('accepts global options before or after the command', () => {
    const a = parseCommandLine(['--library', '/lib', '--json', 'inpaint', 'p.jpg', '-m', 'm.png', '--engine', 'telea']);
    expect(a.command).toBe('inpaint');
    expect(a.values).toMatchObject({ library: '/lib', json: true, mask: 'm.png', engine: 'telea' });
    expect(a.positionals).toEqual(['p.jpg']);
    const b = parseCommandLine(['history', 'p.jpg', '--library=/lib', '--json']);
    expect(b).toMatchObject({ command: 'history', positionals: ['p.jpg'], values: { library: '/lib', json: true } });
  });

  it('refuses unknown commands and options of another command as usage errors', () => {
    expect(() => parseCommandLine(['frob'])).toThrow(UsageError);
    expect(() => parseCommandLine(['models', '--mask', 'x'])).toThrow(/Unknown option '--mask'/);
    expect(() => parseCommandLine(['serve', '--port'])).toThrow(UsageError);
  });

  it('validates integers and choices', () => {
    expect(intOption('5', 'dilate', 0, 64)).toBe(5);
    expect(intOption(undefined, 'dilate', 0, 64)).toBeUndefined();
    expect(() => intOption('65', 'dilate', 0, 64)).toThrow(/between 0 and 64/);
    expect(() => intOption('1.5', 'seed', 0, 9)).toThrow(/integer/);
    expect(choiceOption('off', 'blend', ['off', 'normal'] as const)).toBe('off');
    expect(() => choiceOption('x', 'blend', ['off', 'normal'] as const)).toThrow(/one of off, normal/);
  });
});

describe('exit statuses', () => {
  it('maps failures to 1, 2, 3 and 130', () => {
    expect(classify(new UsageError('x')).exit).toBe(EXIT.USAGE);
    // core/app refusing the arguments themselves (overlapping folders): a usage error whatever its API code
    expect(classify(new ArgumentError('outputDir', 'the output folder is inside the input folder'))).toMatchObject({ exit: 2, code: 'USAGE' });
    expect(classify(Object.assign(new Error('in: input folder not found'), { name: 'RestoreError', code: 'NOT_A_FOLDER' }))).toMatchObject({ exit: 3, code: 'FOLDER_NOT_FOUND' });
    expect(classify(new ApiError('EMPTY_MASK', 'm.png: no hole')).exit).toBe(EXIT.BAD_INPUT);
    expect(classify(Object.assign(new Error('a.jpg: file is truncated'), { name: 'ImageError', code: 'TRUNCATED' }))).toMatchObject({ exit: 3, code: 'TRUNCATED', message: 'a.jpg: file is truncated' });
    expect(classify(Object.assign(new Error('gone'), { name: 'ImageError', code: 'NOT_FOUND' }))).toMatchObject({ exit: 3, code: 'FILE_NOT_FOUND' });
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(classify(abort).exit).toBe(EXIT.CANCELLED);
    expect(classify(new Error('boom')).exit).toBe(EXIT.FAILURE);
  });
});

describe('ProgressReporter', () => {
  const sink = (tty: boolean) => {
    const out: string[] = [];
    const stream = { isTTY: tty, columns: 80, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WriteStream;
    return { out, stream };
  };

  it('draws a bar with percentage and ETA on a terminal', () => {
    const { out, stream } = sink(true);
    const p = new ProgressReporter(stream, 'Inpainting', true);
    p.update(0.5, 'patchmatch');
    expect(out.join('')).toMatch(/Inpainting \[#{14}-{14}\]  50%  ETA \d+:\d\d  patchmatch/);
    p.done();
    expect(out.at(-1)).toBe('\r\x1b[2K');
  });

  it('prints a plain line per 10 % otherwise', () => {
    const { out, stream } = sink(false);
    const p = new ProgressReporter(stream, 'Inpainting', false);
    for (let f = 0; f <= 1.0001; f += 0.01) p.update(f);
    expect(out.length).toBe(11);
    expect(out.every((l) => !l.includes('\r'))).toBe(true);
  });

  it('prints every few percent and at least every 30 s while it moves, when asked (training logs)', () => {
    const { out, stream } = sink(false);
    let t = 0;
    const p = new ProgressReporter(stream, 'Training', false, { everyPercent: 2, now: () => t });
    for (let f = 0; f <= 0.1001; f += 0.001) p.update(f);
    expect(out.length).toBe(6); // 0, 2, 4, 6, 8, 10 %
    p.update(0.1005);
    expect(out.length).toBe(6);
    t += 31_000;
    p.update(0.101, 'step 101/1000');
    expect(out.at(-1)).toMatch(/^Training: 10% \(step 101\/1000\)/);
  });
});
