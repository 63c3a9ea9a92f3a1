// The kernel workers must change only the speed: every engine gives bit-identical results with and
// without them, and cancellation stops the workers too. Needs dist/worker/kernels.cjs (`npm test`
// builds it first) and at least 2 cores.
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { blendFillPlanes, seamlessClone } from '../blend/poisson';
import { inpaint } from '../inpaint';
import { patchMatch } from '../inpaint/patchmatch';
import { makeImage, makeMask } from '../../../test/fixtures/inpaint';
import { alloc, defineKernel, kernelThreadCount, runShares, setKernelThreadsEnabled } from './threads';

const W = 240, H = 200;
const photo = makeImage(W, H, 3, (x, y, c) => 128 + 60 * Math.sin(x / 7 + c) * Math.cos(y / 9) + 40 * (((x >> 4) + (y >> 4)) & 1) - 20 * c);
// a big blob (> 20 000 pixels, so PatchMatch levels and Poisson solves use the kernel worker) and a
// small separate hole
const mask = makeMask(W, H, (x, y) => ((x - 112) / 100) ** 2 + ((y - 100) / 76) ** 2 < 1 || (x > 205 && x < 215 && y > 20 && y < 30));

function both<T>(run: () => T): { seq: T; par: T } {
  setKernelThreadsEnabled(false);
  const seq = run();
  setKernelThreadsEnabled(true);
  return { seq, par: run() };
}

afterAll(() => setKernelThreadsEnabled(true));

describe.skipIf(availableParallelism() < 2)('kernel workers', () => {
  it('are available once the worker bundle is built', () => {
    expect(kernelThreadCount()).toBeGreaterThanOrEqual(1);
  });

  it('PatchMatch bands give the same fill and source field in parallel as on one thread', () => {
    const C = 3;
    const data = Float32Array.from(photo.data);
    const hole = Uint8Array.from(mask.data, (v) => (v ? 1 : 0));
    const { seq, par } = both(() => patchMatch(data, W, H, C, hole, { seed: 5, parallel: true }));
    expect(Buffer.from(par.fill.buffer).equals(Buffer.from(seq.fill.buffer))).toBe(true);
    expect(Buffer.from(par.source!.buffer).equals(Buffer.from(seq.source!.buffer))).toBe(true);
    // and the fill really changed the hole
    let changed = 0;
    for (let p = 0; p < W * H; p++) if (hole[p] && par.fill[p * 3] !== data[p * 3]) changed++;
    expect(changed).toBeGreaterThan(1000);
  });

  it('a Poisson solve by a team of two threads gives the same blend as one thread doing both bands', () => {
    const C = 3;
    const base = Float32Array.from(photo.data);
    const fill = Float32Array.from(base, (v, i) => v * 0.5 + ((i * 7) % 40));
    const hole = Uint8Array.from(mask.data, (v) => (v ? 1 : 0));
    const { seq, par } = both(() => blendFillPlanes(W, H, C, base, fill, hole, { mode: 'normal' }));
    expect(Buffer.from(par.buffer).equals(Buffer.from(seq.buffer))).toBe(true);
    const shifted = makeImage(W, H, 3, (x, y, c) => photo.data[((y * W + ((x + 13) % W)) * 3) + c]);
    const clones = both(() => seamlessClone(photo, shifted, mask, { mode: 'mixed' }));
    expect(Buffer.from(clones.par.data).equals(Buffer.from(clones.seq.data))).toBe(true);
  });

  it('the whole inpaint is bit-identical with and without workers', async () => {
    setKernelThreadsEnabled(false);
    const seq = await inpaint(photo, mask, { engine: 'patchmatch', seed: 2 });
    setKernelThreadsEnabled(true);
    const par = await inpaint(photo, mask, { engine: 'patchmatch', seed: 2 });
    expect(Buffer.from(par.image.data).equals(Buffer.from(seq.image.data))).toBe(true);
  });

  it('cancelling a parallel PatchMatch stops it promptly with AbortError', () => {
    const ac = new AbortController();
    let calls = 0, after = 0;
    const data = Float32Array.from(photo.data);
    const hole = Uint8Array.from(mask.data, (v) => (v ? 1 : 0));
    const t = performance.now();
    expect(() => patchMatch(data, W, H, 3, hole, {
      seed: 1, parallel: true, signal: ac.signal,
      onProgress: () => { calls++; if (ac.signal.aborted) after++; if (calls === 2) ac.abort(); },
    })).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(after).toBe(0);
    expect(performance.now() - t).toBeLessThan(5000);
    // the workers are free again: a new run completes
    expect(patchMatch(data, W, H, 3, hole, { seed: 1, parallel: true }).fill.length).toBe(W * H * 3);
  });

  it('runs the kernel its caller gives: here on one thread; a worker that was not given it fails clearly', () => {
    const square = defineKernel<{ i: number; out: Int32Array }>('test-square', (s) => { s.out[s.i] = s.i * s.i; });
    const out = alloc(Int32Array, 4, true);
    const shares = [2, 3].map((i) => ({ i, out }));
    const ctl = { stopped: () => false, stop: () => undefined };
    runShares(square, shares, false, ctl);
    expect([...out]).toEqual([0, 0, 4, 9]);
    expect(() => runShares(square, shares, true, ctl)).toThrow(/no kernel 'test-square'/);
    // the workers still serve their own kernels afterwards
    expect(patchMatch(Float32Array.from(photo.data), W, H, 3, Uint8Array.from(mask.data, (v) => (v ? 1 : 0)), { seed: 1, parallel: true }).fill.length).toBe(W * H * 3);
  });
});
