// An inpaint whose edit cannot be recorded leaves no photo row and no output behind (issue 14.5).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../library';
import { inpaintFile } from './inpaint-file';

const W = 32, H = 24;
let dir: string;
let workerPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-record-'));
  // inside the checkout (test-output/ is git-ignored) so the bundle resolves sharp
  workerPath = join(process.cwd(), 'test-output', `record-worker-${process.pid}.cjs`);
  await build({ bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', entryPoints: ['src/core/app/workers/job-worker.ts'], outfile: workerPath });
  const px = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) px.fill(i % 200, i * 3, i * 3 + 3);
  await sharp(px, { raw: { width: W, height: H, channels: 3 } }).png().toFile(join(dir, 'photo.png'));
  const mk = Buffer.alloc(W * H);
  for (let y = 10; y < 14; y++) mk.fill(255, y * W + 12, y * W + 18);
  await writeFile(join(dir, 'mask.png'), await sharp(mk, { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(workerPath, { force: true });
});

describe('inpaintFile', () => {
  it('a failed edit leaves no orphan photo row and no output file', async () => {
    const libraryDir = join(dir, 'lib');
    const lib = Library.open(libraryDir);
    lib.store.db.exec("CREATE TRIGGER no_edits BEFORE INSERT ON edits BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    lib.close();
    const outputPath = join(dir, 'out.png');
    const run = inpaintFile({
      libraryDir, photoPath: join(dir, 'photo.png'), maskPath: join(dir, 'mask.png'), outputPath,
      engine: 'telea', blend: 'normal', dilate: 0, runner: { size: 1, workerPath },
    });
    await expect(run).rejects.toThrow(/injected failure/);
    const after = Library.open(libraryDir);
    expect(after.store.photos.list()).toEqual([]);
    after.close();
    expect(existsSync(outputPath)).toBe(false);
  });
});
