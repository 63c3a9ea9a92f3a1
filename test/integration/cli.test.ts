// End-to-end tests of the built `renovo` command on generated fixtures.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_COPYRIGHT,
  FIXTURE_MASK_RECT,
  FIXTURE_XMP_CREATOR,
  makeFixtureDir,
  maskPng,
  photoPixels,
  type FixtureDir,
} from '../fixtures/images';
import { DEFAULT_MASK_DILATE_PX } from '../../src/shared/contract';
import { BIN, ROOT, ensureBuilt } from './build';
import { pixelDiff, rawPixels, runCli, sha256File } from './cli-helpers';

let fx: FixtureDir;
let work: string;
let n = 0;
const newLibrary = () => join(work, `lib-${++n}`);
const out = (name: string) => join(work, name);

/** Distance from pixel (x, y) to the fixture's rectangular hole (0 inside). */
function distToRect(x: number, y: number): number {
  const r = FIXTURE_MASK_RECT as { x: number; y: number; width: number; height: number };
  const dx = Math.max(r.x - x, 0, x - (r.x + r.width - 1));
  const dy = Math.max(r.y - y, 0, y - (r.y + r.height - 1));
  return Math.hypot(dx, dy);
}

async function historyJson(library: string, photo?: string): Promise<{ photos: { photo: { id: number; path: string }; edits: { id: number; engine: string; outputFile: string; params: Record<string, unknown> }[] }[] }> {
  const r = await runCli(['history', ...(photo ? [photo] : []), '--library', library, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Library files other than the database (masks, outputs, previews …). */
async function libraryFiles(library: string): Promise<string[]> {
  if (!existsSync(library)) return [];
  const found: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(dir, e.name), `${rel}${e.name}/`);
      else if (!e.name.startsWith('renovo.db')) found.push(rel + e.name);
    }
  };
  await walk(library, '');
  return found;
}

beforeAll(async () => {
  await ensureBuilt();
  fx = await makeFixtureDir();
  work = await mkdtemp(join(tmpdir(), 'renovo-cli-'));
});

afterAll(async () => {
  await fx?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('renovo (general)', () => {
  it('prints the version and help with examples and exit statuses', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^renovo \d+\.\d+\.\d+/);
    for (const cmd of ['inpaint', 'history', 'models', 'serve']) {
      const h = await runCli([cmd, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain(`Usage: renovo ${cmd}`);
      expect(h.stdout).toContain('Examples:');
      expect(h.stdout).toMatch(/130\s+cancelled/);
    }
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [
      ['frobnicate'],
      ['inpaint', fx.paths.photoPng],
      ['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '--engine', 'magic'],
      ['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '--dilate', 'x'],
      ['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '--bogus'],
      [],
    ]) {
      const r = await runCli([...args, '--library', newLibrary()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/renovo: /);
    }
  });

  it('lists models (none in a fresh library without shipped models)', async () => {
    const emptyModels = mkdtempSync(join(tmpdir(), 'renovo-no-models-'));
    const r = await runCli(['models', '--library', newLibrary(), '--json'], { env: { RENOVO_MODELS_DIR: emptyModels } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ models: [] });
  });

  it('lists the shipped models as shipped versions, with lineage', async () => {
    const r = await runCli(['models', '--library', newLibrary(), '--json'], { env: { RENOVO_MODELS_DIR: join(ROOT, 'models') } });
    expect(r.code).toBe(0);
    const { models } = JSON.parse(r.stdout) as { models: { id: number; name: string; source: string; parentId: number | null }[] };
    const byName = new Map(models.map((m) => [m.name, m]));
    expect(byName.get('landscape-dcgan64')?.source).toBe('shipped');
    expect(byName.get('monet-dcgan64')?.parentId).toBe(byName.get('landscape-dcgan64')?.id);
  });
});

describe('renovo inpaint', () => {
  it('fills the hole, leaves every other pixel exactly as it was, and records the edit', async () => {
    const library = newLibrary();
    const before = await sha256File(fx.paths.photoPng);
    const output = out('exact.png');
    const r = await runCli(['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '-o', output, '--blend', 'off', '--dilate', '2', '--seed', '7', '--library', library, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ outputPath: output, engine: expect.stringMatching(/patchmatch|telea|harmonic/), seed: 7 });
    expect(result.editId).toBeGreaterThan(0);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    const a = await rawPixels(fx.paths.photoPng);
    const b = await rawPixels(output);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    const diff = pixelDiff(a.data, b.data, 3);
    let changedInside = 0;
    let inside = 0;
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        const d = distToRect(x, y);
        if (d > 2) expect(diff[y * a.width + x], `pixel ${x},${y} outside the dilated mask`).toBe(0);
        if (d === 0) {
          inside++;
          if (diff[y * a.width + x] > 0) changedInside++;
        }
      }
    }
    expect(changedInside / inside).toBeGreaterThan(0.3);
    expect(await sha256File(fx.paths.photoPng)).toBe(before);

    const all = await historyJson(library);
    expect(all.photos).toHaveLength(1);
    expect(all.photos[0].photo.path).toBe(fx.paths.photoPng);
    expect(all.photos[0].edits.map((e) => e.id)).toEqual([result.editId]);
    expect(all.photos[0].edits[0].params).toMatchObject({ blend: 'off', dilate: 2, seed: 7 });
    const one = await historyJson(library, fx.paths.photoPng);
    expect(one.photos[0].edits[0].id).toBe(result.editId);
    // The text shows the file the user asked for; --json keeps the library's copy too (issue 15.8).
    expect(one.photos[0].edits[0]).toMatchObject({ outputFile: expect.stringMatching(/^outputs\/[0-9a-f]{2}\/[0-9a-f]{64}\.png$/), params: { savedAs: output } });
    const text = await runCli(['history', '--library', library]);
    expect(text.stdout).toContain(output);
    expect(text.stdout).not.toMatch(/outputs\/[0-9a-f]{2}\//);
  });

  it("grows the mask by the editor's default when --dilate is not given (issue 15.6)", async () => {
    const library = newLibrary();
    const r = await runCli(['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '-o', out('default-dilate.png'), '--engine', 'telea', '--library', library, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(DEFAULT_MASK_DILATE_PX).toBe(4);
    expect((await historyJson(library)).photos[0].edits[0].params).toMatchObject({ dilate: DEFAULT_MASK_DILATE_PX });
    const help = await runCli(['inpaint', '--help']);
    expect(help.stdout).toMatch(/--dilate N .*default: 4, as in the editor/);
  });

  it('with Poisson blending changes nothing outside the dilated mask plus a small band', async () => {
    const output = out('blended.png');
    const r = await runCli(['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '-o', output, '--blend', 'normal', '--dilate', '1', '--library', newLibrary(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const a = await rawPixels(fx.paths.photoPng);
    const b = await rawPixels(output);
    const diff = pixelDiff(a.data, b.data, 3);
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        if (distToRect(x, y) > 1 + 3) expect(diff[y * a.width + x], `pixel ${x},${y}`).toBe(0);
      }
    }
  });

  it('writes <name>-renovo.<ext> next to the photo by default, keeping EXIF and XMP', async () => {
    const dir = await mkdtemp(join(work, 'default-'));
    const photo = join(dir, 'holiday.jpg');
    const { readFile } = await import('node:fs/promises');
    await writeFile(photo, await readFile(fx.paths.metadataJpeg));
    const r = await runCli(['inpaint', photo, '--mask', fx.paths.maskRect, '--library', newLibrary()]);
    expect(r.code, r.stderr).toBe(0);
    const output = join(dir, 'holiday-renovo.jpg');
    expect(r.stdout).toContain(output);
    const meta = await sharp(output).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif?.toString('latin1')).toContain(FIXTURE_COPYRIGHT);
    expect(meta.xmp?.toString('utf8')).toContain(FIXTURE_XMP_CREATOR);
    expect(meta.icc).toBeDefined();

    // A second run without -o writes the next free name (issue 15.4); -o FILE is replaced only with --overwrite.
    const again = await runCli(['inpaint', photo, '--mask', fx.paths.maskRect, '--library', newLibrary()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(join(dir, 'holiday-renovo-2.jpg'));
    const explicit = await runCli(['inpaint', photo, '--mask', fx.paths.maskRect, '-o', output, '--library', newLibrary()]);
    expect(explicit.code).toBe(2);
    expect(explicit.stderr).toContain('already exists');
    const forced = await runCli(['inpaint', photo, '--mask', fx.paths.maskRect, '--overwrite', '--library', newLibrary()]);
    expect(forced.code, forced.stderr).toBe(0);
  });

  it('never overwrites the original, even with -o pointing at it or --overwrite', async () => {
    const before = await sha256File(fx.paths.photoPng);
    for (const extra of [[], ['--overwrite']]) {
      const r = await runCli(['inpaint', fx.paths.photoPng, '--mask', fx.paths.maskRect, '-o', fx.paths.photoPng, ...extra, '--library', newLibrary()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('original');
    }
    expect(await sha256File(fx.paths.photoPng)).toBe(before);
  });

  const badInputs: [string, () => string, () => string, RegExp][] = [
    ['a missing photo', () => join(fx.dir, 'missing.jpg'), () => fx.paths.maskRect, /missing\.jpg: file not found/],
    ['a truncated JPEG', () => fx.paths.truncatedJpeg, () => fx.paths.maskRect, /truncated\.jpg: .*truncated/],
    ['a text file named .jpg', () => fx.paths.notAnImage, () => fx.paths.maskRect, /not-an-image\.jpg: /],
    ['a missing mask', () => fx.paths.photoPng, () => join(fx.dir, 'no-mask.png'), /no-mask\.png: file not found/],
    ['a mask of the wrong size', () => fx.paths.photoPng, () => fx.paths.maskWrongSize, /mask-50x50\.png: mask is 50×50 but the photo is 96×64/],
    ['an empty mask', () => fx.paths.photoPng, () => fx.paths.maskEmpty, /mask-empty\.png: .*no hole/],
  ];
  for (const [what, photo, mask, message] of badInputs) {
    it(`exits 3 naming the file for ${what}, and writes nothing`, async () => {
      const library = newLibrary();
      const output = out(`bad-${n}.png`);
      const hashBefore = existsSync(photo()) ? await sha256File(photo()) : undefined;
      const r = await runCli(['inpaint', photo(), '--mask', mask(), '-o', output, '--library', library, '--json']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(message);
      expect(JSON.parse(r.stdout).error.message).toMatch(message);
      expect(existsSync(output)).toBe(false);
      expect(await libraryFiles(library)).toEqual([]);
      if (hashBefore) expect(await sha256File(photo())).toBe(hashBefore);
      expect((await historyJson(library)).photos).toEqual([]);
    });
  }

  it('cancels cleanly on Ctrl+C (exit 130, nothing written)', async () => {
    // A photo big enough that PatchMatch runs for a while.
    const W = 1600;
    const H = 1200;
    const img = photoPixels(W, H);
    const photo = join(work, 'big.png');
    const mask = join(work, 'big-mask.png');
    await sharp(img.data, { raw: { width: W, height: H, channels: 3 } }).png({ compressionLevel: 1 }).toFile(photo);
    await writeFile(mask, await maskPng(W, H, { kind: 'rect', x: 500, y: 400, width: 500, height: 400 }));
    const library = newLibrary();
    const output = out('cancelled.png');
    const child = spawn(process.execPath, [BIN, 'inpaint', photo, '--mask', mask, '-o', output, '--engine', 'patchmatch', '--library', library], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const started = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('Inpainting')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await Promise.race([started, exited]);
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    // Generous bound: "promptly" means within one cancellation check, even on a loaded 2-core machine.
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(stderr).toContain('cancelled');
    expect(existsSync(output)).toBe(false);
    expect(await libraryFiles(library)).toEqual([]);
    expect((await historyJson(library)).photos).toEqual([]);
  });
});
