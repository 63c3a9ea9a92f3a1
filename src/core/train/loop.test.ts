import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../onnx/runtime';
import { dcganSpec } from '../nets/dcgan';
import { listCheckpoints, loadCheckpoint } from './checkpoint';
import { datasetFromPixels } from './data';
import { DEFAULT_HYPER, generateImages, type GanHyper } from './gan';
import { fixedLatents, TrainControl, trainLoop } from './loop';

// Tiny 16×16 DCGAN (the same layer pattern as 64×64, two fewer stages) so the loop tests run in seconds.
const spec = dcganSpec({ resolution: 16, ngf: 8, ndf: 8, nz: 16 });
const rt = new Runtime({ provider: 'cpu', threads: 1 });
const dirs: string[] = [];
const tmp = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'renovo-train-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await rt.release();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** n solid-colour 16×16 images (one colour, small per-image jitter). */
function solidSet(n: number, rgb: [number, number, number]): Uint8Array {
  const px = new Uint8Array(n * 16 * 16 * 3);
  for (let i = 0; i < n; i++) {
    const j = (i % 5) - 2;
    for (let p = 0; p < 256; p++) for (let c = 0; c < 3; c++) px[(i * 256 + p) * 3 + c] = rgb[c] + j * 2;
  }
  return px;
}

/** Stripes: alternating 2-pixel rows of two colours (random phase per image). */
function stripeSet(n: number): Uint8Array {
  const px = new Uint8Array(n * 16 * 16 * 3);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 16; y++) {
      const on = ((y + (i % 4)) >> 1) % 2 === 0;
      for (let x = 0; x < 16; x++) {
        const o = (i * 256 + y * 16 + x) * 3;
        px[o] = on ? 230 : 20;
        px[o + 1] = on ? 200 : 30;
        px[o + 2] = on ? 40 : 120;
      }
    }
  }
  return px;
}

const hyper = (h: Partial<GanHyper> = {}): GanHyper => ({ ...DEFAULT_HYPER, batch: 8, lrD: 1e-3, lrG: 2e-3, seed: 7, ...h });

describe('GAN trainer', () => {
  it('learns a simple distribution: samples move toward a solid colour within 80 steps', async () => {
    const target = [210, 50, 40] as const;
    const ds = datasetFromPixels(solidSet(32, [210, 50, 40]), 32, 16);
    const z = fixedLatents(3, 16, spec.nz);
    const dist = (img: Float32Array): number => {
      let s = 0;
      for (let i = 0; i < img.length; i++) {
        const c = Math.floor(i / 256) % 3;
        s += Math.abs((img[i] + 1) * 127.5 - target[c]);
      }
      return s / img.length;
    };
    const runDir = await tmp();
    const first = await trainLoop({ runtime: rt, dataset: ds, spec, hyper: hyper(), steps: 1, runDir, resume: false });
    const before = dist(await generateImages(rt, spec, first.weights, z));
    const res = await trainLoop({ runtime: rt, dataset: ds, spec, hyper: hyper(), steps: 80, runDir });
    const after = dist(await generateImages(rt, spec, res.weights, z));
    // Initial G outputs are near grey (mean |error| ≈ 82 of 255); measured after 80 steps: ≈ 31 (150 steps: ≈ 8).
    expect(before).toBeGreaterThan(60);
    expect(after).toBeLessThan(before * 0.5);
  });

  it('learns stripes: row-to-row contrast of samples grows toward the data', async () => {
    const ds = datasetFromPixels(stripeSet(32), 32, 16);
    const z = fixedLatents(4, 16, spec.nz);
    const contrast = (img: Float32Array): number => {
      let s = 0, n = 0;
      for (let k = 0; k < img.length / 256; k++) for (let y = 0; y < 15; y++) for (let x = 0; x < 16; x++) {
        s += Math.abs(img[k * 256 + (y + 1) * 16 + x] - img[k * 256 + y * 16 + x]);
        n++;
      }
      return s / n;
    };
    const res0 = await trainLoop({ runtime: rt, dataset: ds, spec, hyper: hyper({ seed: 9 }), steps: 1, runDir: await tmp(), resume: false });
    const res = await trainLoop({ runtime: rt, dataset: ds, spec, hyper: hyper({ seed: 9 }), steps: 60, runDir: await tmp() });
    const c0 = contrast(await generateImages(rt, spec, res0.weights, z));
    const c1 = contrast(await generateImages(rt, spec, res.weights, z));
    expect(c1).toBeGreaterThan(c0 * 2);
  });

  it('resume from a checkpoint equals an uninterrupted run bit for bit (D:G 2:1, label smoothing, epochs rolling over)', async () => {
    const ds = datasetFromPixels(stripeSet(16), 16, 16);
    const h = hyper({ dSteps: 2, gSteps: 1, labelSmoothing: 0.1, batch: 4, beta1D: 0.9, beta1G: 0.6 });
    const a = await trainLoop({ runtime: rt, dataset: ds, spec, hyper: h, steps: 6, runDir: await tmp() });
    const dirB = await tmp();
    const b1 = await trainLoop({ runtime: rt, dataset: ds, spec, hyper: h, steps: 3, runDir: dirB });
    expect(b1.step).toBe(3);
    const b = await trainLoop({ runtime: rt, dataset: ds, spec, hyper: h, steps: 6, runDir: dirB });
    expect(b.resumedFrom).toBe(3);
    expect(a.epoch).toBe(b.epoch);
    expect(a.epoch).toBeGreaterThanOrEqual(2);
    for (const [k, v] of a.weights) expect(Buffer.from(b.weights.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);
    const ca = await loadCheckpoint(a.checkpointPath);
    const cb = await loadCheckpoint(b.checkpointPath);
    expect(cb.state.rng).toBe(ca.state.rng);
    expect(cb.moments.G.t).toBe(6);
    expect(cb.moments.D.t).toBe(12);
    for (const [k, v] of ca.moments.D.v) expect(Array.from(cb.moments.D.v.get(k)!)).toEqual(Array.from(v));
  });

  it('cancel keeps a usable checkpoint at the last finished step; pause checkpoints and waits', async () => {
    const ds = datasetFromPixels(solidSet(16, [20, 120, 200]), 16, 16);
    const runDir = await tmp();
    const control = new TrainControl();
    const phases: string[] = [];
    const res = await trainLoop({
      runtime: rt, dataset: ds, spec, hyper: hyper(), steps: 50, runDir, control, logEvery: 1, checkpointEvery: 1000,
      onMetrics: (step) => {
        if (step === 2) {
          control.pause();
          setTimeout(() => control.resume(), 50);
        }
        if (step === 4) control.cancel();
      },
      onProgress: (p) => phases.push(p.phase),
    });
    expect(res.status).toBe('cancelled');
    expect(res.step).toBe(4);
    expect(phases).toContain('paused');
    expect(phases[phases.length - 1]).toBe('cancelled');
    expect(await listCheckpoints(runDir)).toEqual(['step-00000002', 'step-00000004']);
    const ck = await loadCheckpoint(runDir);
    expect(ck.state.step).toBe(4);
    await stat(join(runDir, 'sample-latest.png'));
    const more = await trainLoop({ runtime: rt, dataset: ds, spec, hyper: hyper(), steps: 6, runDir });
    expect(more).toMatchObject({ status: 'completed', step: 6, resumedFrom: 4 });
  });

  it('refuses to resume on different data or a different architecture', async () => {
    const runDir = await tmp();
    await trainLoop({ runtime: rt, dataset: datasetFromPixels(solidSet(16, [1, 2, 3]), 16, 16), spec, hyper: hyper(), steps: 1, runDir });
    await expect(trainLoop({ runtime: rt, dataset: datasetFromPixels(solidSet(16, [9, 9, 9]), 16, 16), spec, hyper: hyper(), steps: 2, runDir })).rejects.toThrow(/different data/);
    await expect(trainLoop({ runtime: rt, dataset: datasetFromPixels(solidSet(16, [1, 2, 3]), 16, 16), spec: { ...spec, ngf: 4 }, hyper: hyper(), steps: 2, runDir })).rejects.toThrow(/ngf=8/);
  });
});
