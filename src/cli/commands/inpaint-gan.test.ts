// renovo inpaint --engine gan-zopt: option checks and a clear error for an unknown model (the
// engine itself is covered in src/core/inpaint/gan and src/core/app/gan-inpaint.test.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPng } from '../../../test/fixtures/images';
import { cliTestDir, type CliTestDir, type MainResult } from '../../../test/integration/cli-in-process';
import { HELP } from '../help';

let cli: CliTestDir;
let dir: string;

const run = (...args: string[]): Promise<MainResult> => cli.run(...args);

beforeAll(async () => {
  cli = await cliTestDir('renovo-cli-gan-');
  dir = cli.dir;
  await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 90, g: 120, b: 200 } } }).png().toFile(join(dir, 'p.png'));
  await writeFile(join(dir, 'm.png'), await maskPng(40, 40, { kind: 'rect', x: 15, y: 15, width: 10, height: 10 }));
});
afterAll(() => cli?.remove());

describe('renovo inpaint --engine gan-zopt', () => {
  const photo = (): string[] => [join(dir, 'p.png'), '--mask', join(dir, 'm.png'), '-o', join(dir, 'out.png')];

  it('checks its options before any work', async () => {
    let r = await run('inpaint', ...photo(), '--engine', 'gan-zopt');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/needs --model NAME/);
    r = await run('inpaint', ...photo(), '--engine', 'patchmatch', '--lambda', '0.1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--lambda is only used with --engine gan-zopt/);
    r = await run('inpaint', ...photo(), '--engine', 'gan-zopt', '--model', 'x', '--lr', 'fast');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--lr must be a number/);
    r = await run('inpaint', ...photo(), '--engine', 'gan-zopt', '--model', 'x', '--restarts', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--restarts must be between 1 and 64/);
    r = await run('inpaint', ...photo(), '--engine', 'gan-zopt', '--model', 'x', '--refine', 'telea');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--refine must be one of off, patchmatch/);
    r = await run('inpaint', ...photo(), '--engine', 'gan-zopt', '--model', 'x', '--start', 'warm');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--start must be one of auto, encoder, cold/);
    r = await run('inpaint', ...photo(), '--engine', 'telea', '--refine', 'patchmatch');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--refine is only used with --engine gan-zopt/);
  });

  it('names the unknown model and what is available', async () => {
    const r = await run('inpaint', ...photo(), '--engine', 'gan-zopt', '--model', 'no-such-model');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/model 'no-such-model' does not exist \(no model is installed\)/);
  });

  it('documents the engine and its options', () => {
    const h = HELP.inpaint;
    for (const s of ['gan-zopt', '--model NAME', '--lambda', '--iters', '--restarts', '--lr', '--refine MODE', '--start MODE', '--engine gan-zopt --model landscape-dcgan64']) expect(h).toContain(s);
  });
});
