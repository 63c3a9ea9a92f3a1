// Sample grids on a small folder (an epoch every step) are capped and pruned (issue 14.10).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../onnx/runtime';
import { dcganSpec } from '../nets/dcgan';
import { datasetFromPixels } from './data';
import { DEFAULT_HYPER } from './gan';
import { trainLoop } from './loop';
import { writeGridPng } from './grid';
import sharp from 'sharp';

const rt = new Runtime({ provider: 'cpu', threads: 1 });
let dir = '';
afterAll(async () => {
  await rt.release();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sample grids', () => {
  it('a small folder does not get one grid per epoch: the first, the best and the newest 3 are kept', async () => {
    dir = await mkdtemp(join(tmpdir(), 'renovo-grids-'));
    const spec = dcganSpec({ resolution: 16, ngf: 4, ndf: 4, nz: 8 });
    const px = new Uint8Array(8 * 16 * 16 * 3).map((_, i) => (i * 7) % 256);
    const dataset = datasetFromPixels(px, 8, 16); // batch 8: every step ends an epoch
    const r = await trainLoop({
      runtime: rt, dataset, spec, hyper: { ...DEFAULT_HYPER, batch: 8, seed: 1 }, steps: 120, runDir: dir,
      checkpointEvery: 1000, keepSamples: 3, sampleCount: 4, logEvery: 5,
    });
    const grids = (await readdir(join(dir, 'samples'))).sort();
    expect(grids).toContain('step-00000000.png');
    expect(grids).toContain(r.samplePath.split(/[\\/]/).pop());
    expect(grids.length).toBeLessThanOrEqual(1 + 1 + 3);
  }, 120_000);
});

describe('writeGridPng', () => {
  it('writes a 256-colour palette PNG when asked (the shipped 128-px grids), true colour otherwise', async () => {
    const gdir = await mkdtemp(join(tmpdir(), 'renovo-grid-png-'));
    try {
      const n = 4, size = 32;
      // a smooth colour ramp with more than 256 distinct colours, in [-1, 1]
      const imgs = Float32Array.from({ length: n * 3 * size * size }, (_, i) => Math.sin(i * 0.013) * Math.cos(i * 0.0007));
      await writeGridPng(join(gdir, 'true.png'), imgs, n, 3, size);
      await writeGridPng(join(gdir, 'pal.png'), imgs, n, 3, size, { palette: true });
      const [t, p] = await Promise.all([sharp(join(gdir, 'true.png')).metadata(), sharp(join(gdir, 'pal.png')).metadata()]);
      expect([p.width, p.height]).toEqual([t.width, t.height]);
      expect(t.isPalette).toBe(false);
      expect(p.isPalette).toBe(true);
    } finally {
      await rm(gdir, { recursive: true, force: true });
    }
  });
});
