// The README's `renovo inpaint` examples run in order, twice, as written (issue 15.4). The GAN
// examples are left out (they need the shipped models and minutes of CPU); their output naming is
// the same rule as the first example's.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_HEIGHT as H, FIXTURE_MASK_RECT, FIXTURE_WIDTH as W, maskPng, photoJpeg, photoPng } from '../fixtures/images';
import { BIN, ROOT, ensureBuilt } from './build';

let dir: string;

function readmeInpaintExamples(readme: string): string[][] {
  const block = /## Command line[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block.split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('renovo inpaint ') && !line.includes('gan-zopt'))
    .map((line) => line.split(/\s+/).slice(1));
}

function run(args: string[], library: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--library', library], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'renovo-readme-'));
  const hole = await maskPng(W, H, FIXTURE_MASK_RECT);
  const left = await maskPng(W, H, { kind: 'rect', x: 0, y: 0, width: 24, height: H });
  const top = await maskPng(W, H, { kind: 'rect', x: 0, y: 0, width: W, height: 12 });
  await writeFile(join(dir, 'beach.jpg'), await photoJpeg());
  await writeFile(join(dir, 'photo.jpg'), await photoJpeg());
  await writeFile(join(dir, 'scan.tif'), await sharp(await photoPng()).tiff().toBuffer());
  for (const name of ['beach-mask.png', 'scratches.png', 'mask.png', 'people.png']) await writeFile(join(dir, name), hole);
  await writeFile(join(dir, 'sand.png'), left);
  await writeFile(join(dir, 'sky.png'), top);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('README command-line examples', () => {
  it('every non-GAN inpaint example succeeds, in order, and again on a second pass', async () => {
    const examples = readmeInpaintExamples(await readFile(join(ROOT, 'README.md'), 'utf8'));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const library = join(dir, 'library');
    for (const pass of [1, 2]) {
      for (const args of examples) {
        const r = await run(args, library);
        expect(r.code, `pass ${pass}: renovo ${args.join(' ')}\n${r.stderr}`).toBe(0);
      }
    }
  }, 240_000);
});
