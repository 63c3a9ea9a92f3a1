// `renovo inpaint --source-mask FILE [--source-mode include|exclude]` on generated fixtures: the
// source area is recorded with the edit; bad source masks exit like bad masks and write nothing.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_HEIGHT as H, FIXTURE_WIDTH as W, makeFixtureDir, maskPng, type FixtureDir } from '../fixtures/images';
import { ensureBuilt } from './build';
import { runCli, sha256File } from './cli-helpers';

let fx: FixtureDir;
let work: string;
let n = 0;
const newLibrary = () => join(work, `lib-${++n}`);
const file = (name: string) => join(work, name);

interface HistoryJson {
  photos: { edits: { id: number; params: Record<string, unknown> }[] }[];
}

async function history(library: string, json = true): Promise<{ json?: HistoryJson; text: string }> {
  const r = await runCli(['history', '--library', library, ...(json ? ['--json'] : [])]);
  expect(r.code, r.stderr).toBe(0);
  return json ? { json: JSON.parse(r.stdout) as HistoryJson, text: r.stdout } : { text: r.stdout };
}

async function libraryFiles(library: string): Promise<string[]> {
  if (!existsSync(library)) return [];
  const entries = await readdir(library, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && !e.name.startsWith('renovo.db')).map((e) => e.name);
}

beforeAll(async () => {
  await ensureBuilt();
  fx = await makeFixtureDir();
  work = await mkdtemp(join(tmpdir(), 'renovo-source-cli-'));
  // The hole is x 30..49, y 20..35 (fx.paths.maskRect).
  await writeFile(file('left.png'), await maskPng(W, H, { kind: 'rect', x: 0, y: 0, width: 28, height: H }));
  await writeFile(file('inside-hole.png'), await maskPng(W, H, { kind: 'rect', x: 32, y: 22, width: 10, height: 10 }));
  await writeFile(file('tiny.png'), await maskPng(W, H, { kind: 'rect', x: 2, y: 2, width: 2, height: 2 }));
  await writeFile(file('src-50x50.png'), await maskPng(50, 50, { kind: 'rect', x: 0, y: 0, width: 20, height: 50 }));
  await writeFile(file('black.png'), await sharp(new Uint8Array(W * H), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
  await writeFile(file('truncated-src.jpg'), (await sharp({ create: { width: W, height: H, channels: 3, background: '#fff' } }).jpeg().toBuffer()).subarray(0, 200));
});

afterAll(async () => {
  await fx?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('renovo inpaint --source-mask', () => {
  it('fills with the source area (include by default) and records it with the edit', async () => {
    const library = newLibrary();
    const output = file('with-source.png');
    const r = await runCli(['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '--source-mask', file('left.png'), '-o', output, '--seed', '5', '--library', library, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ engine: 'patchmatch', sourceArea: { mode: 'include', pixels: 28 * H } });
    expect(existsSync(output)).toBe(true);

    const { json } = await history(library);
    const params = json!.photos[0]!.edits[0]!.params;
    expect(params.sourceArea).toEqual({ mode: 'include', maskFile: expect.stringMatching(/^masks\/.+\.png$/), pixels: 28 * H });
    const stored = join(library, (params.sourceArea as { maskFile: string }).maskFile);
    expect(await sharp(stored).metadata()).toMatchObject({ width: W, height: H });
    expect((await history(library, false)).text).toMatch(/source area: include masks\//);
  });

  it('takes --source-mode exclude', async () => {
    const r = await runCli(['inpaint', fx.paths.photoPng, '-m', fx.paths.maskRect, '--source-mask', file('left.png'), '--source-mode', 'exclude', '-o', file('excluded.png'), '--library', newLibrary()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/source area exclude/);
  });

  const badSources: [string, () => string, RegExp][] = [
    ['a missing source mask', () => file('no-source.png'), /no-source\.png: file not found/],
    ['a source mask of the wrong size', () => file('src-50x50.png'), /src-50x50\.png: source mask is 50×50 but the photo is 96×64/],
    ['an empty source mask', () => file('black.png'), /black\.png: the source mask marks no pixel/],
    ['a source area only inside the hole', () => file('inside-hole.png'), /inside-hole\.png: the source area lies only inside/],
    // Passes the checks before the job; the engine finds no whole patch in it.
    ['a source area too small to copy a patch from', () => file('tiny.png'), /tiny\.png: the source area holds no complete/],
    ['a truncated source mask', () => file('truncated-src.jpg'), /truncated-src\.jpg: /],
    ['a folder as source mask', () => work, /: is a directory, not an image file/],
  ];
  for (const [what, source, message] of badSources) {
    it(`exits 3 naming the file for ${what}, and writes nothing`, async () => {
      const library = newLibrary();
      const output = file(`bad-${n}.png`);
      const photoHash = await sha256File(fx.paths.photoPng);
      const r = await runCli(['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '--source-mask', source(), '-o', output, '--library', library, '--json']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(message);
      expect(JSON.parse(r.stdout).error.message).toMatch(message);
      expect(existsSync(output)).toBe(false);
      expect(await libraryFiles(library)).toEqual([]);
      expect((await history(library)).json!.photos).toEqual([]);
      expect(await sha256File(fx.paths.photoPng)).toBe(photoHash);
    });
  }

  it('exits 2 on usage errors: a mode without a mask, an unknown mode, an engine that cannot use one', async () => {
    const base = ['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect];
    const out = ['-o', file('usage.png')];
    for (const [extra, message] of [
      [['--source-mode', 'exclude', ...out], /--source-mode is only used with --source-mask/],
      [['--source-mask', file('left.png'), '--source-mode', 'only', ...out], /--source-mode must be one of include, exclude/],
      [['--source-mask', file('left.png'), '--engine', 'telea', ...out], /--source-mask is used only by --engine auto or patchmatch/],
      [['--source-mask', file('left.png'), '-o', file('left.png'), '--overwrite'], /refusing to write over the input file .*left\.png/],
    ] as const) {
      const library = newLibrary();
      const r = await runCli([...base, ...extra, '--library', library]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(await libraryFiles(library)).toEqual([]);
    }
  });
});
