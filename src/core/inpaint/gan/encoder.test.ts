// Warm starts from a z-encoder (issue 17), on the tiny 16-px test GAN: an encoder is trained here
// for a few hundred steps on generated samples (no data needed), so every claim below can fail.
import { beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../onnx/runtime';
import { Rng } from '../../random';
import { zencoderSpec } from '../../nets/zencoder';
import { ZencTrainer, makeZencBatch, type ZencHyper } from '../../train/zencoder';
import { smallGanModel } from '../../../../test/fixtures/gan-model';
import { makeImage, makeMask } from '../../../../test/fixtures/inpaint';
import { InpaintError } from '../errors';
import { ganInpaint, ganSession, NO_ENCODER_NOTICE, type FillPreview, type GanModel } from './engine';
import { encodeWindow, encoderSession, warmStarts, type GanEncoder } from './encoder';
import { importanceWeights } from './weights';
import { optimizeLatent } from './zopt';
import { generatorDigest } from '../../nets/zencoder';

const rt = new Runtime({ provider: 'cpu', threads: 1, spin: false });
const model = smallGanModel(3);
const { spec } = model;
const R = spec.resolution, nz = spec.nz;
const eSpec = zencoderSpec({ nc: 3, nz, resolution: R, widths: [16, 32] });
let encoder: GanEncoder;
let untrained: GanEncoder;

const centreHole = (): Uint8Array => {
  const u = new Uint8Array(R * R);
  for (let y = 5; y < 11; y++) for (let x = 5; x < 11; x++) u[y * R + x] = 1;
  return u;
};

/** Contextual loss (weighted L1, no D) of each latent in zs [n·nz] for target y. */
async function contextLosses(zs: Float32Array, y: Float32Array, w: Float32Array): Promise<number[]> {
  const n = zs.length / nz;
  const s = await ganSession(rt, model, n, 'l1', false);
  const { losses } = await s.run({ z: zs, y, w }, ['losses']);
  return Array.from(losses);
}

async function generate(z: Float32Array): Promise<Float32Array> {
  const s = await ganSession(rt, model, 1, 'l1', false);
  return (await s.run({ z, y: new Float32Array(3 * R * R), w: new Float32Array(R * R) }, ['image'])).image;
}

const planted = (seed: number): Float32Array => new Rng(seed).normals(nz).map((v) => Math.max(-2.5, Math.min(2.5, v)));

beforeAll(async () => {
  const hyper: ZencHyper = { batch: 16, synthetic: 16, lr: 3e-3, alpha: 0.1, seed: 4 };
  const t = new ZencTrainer(spec, model.weights, eSpec, hyper);
  const digest = generatorDigest(model.weights);
  untrained = { spec: eSpec, weights: new Map([...t.weights].map(([k, v]) => [k, Float32Array.from(v)])), generatorDigest: digest };
  const rng = new Rng(9);
  for (let i = 0; i < 300; i++) await t.step(rt, makeZencBatch(rng, spec, hyper, null, []));
  encoder = { spec: eSpec, weights: t.weights, generatorDigest: digest, sha256: 'test' };
}, 60_000);

describe('z-encoder warm start', () => {
  it("E's output has a lower contextual loss than random latents, the prior's mode and an untrained E on planted latents", async () => {
    const unknown = centreHole();
    const w = importanceWeights(unknown, R, R);
    const sE = await encoderSession(rt, 'trained', encoder);
    const s0 = await encoderSession(rt, 'untrained', untrained);
    let lE = 0, l0 = 0, lMode = 0, lRandom = 0;
    const cases = 8;
    for (let c = 0; c < cases; c++) {
      const y = await generate(planted(1000 + c));
      const zE = await encodeWindow(sE, eSpec, y, unknown);
      const zU = await encodeWindow(s0, eSpec, y, unknown);
      const rnd = new Rng(50 + c).normals(4 * nz);
      const [a, b, m] = await contextLosses(Float32Array.from([...zE, ...zU, ...new Float32Array(nz)]), y, w);
      lE += a / cases; l0 += b / cases; lMode += m / cases;
      lRandom += (await contextLosses(rnd, y, w)).reduce((p, q) => p + q, 0) / 4 / cases;
    }
    expect(lE).toBeLessThan(0.6 * lRandom);
    expect(lE).toBeLessThan(0.75 * lMode);
    expect(lE).toBeLessThan(0.75 * l0);
  });

  it('warm-started optimisation reaches the cold-start loss in fewer iterations', async () => {
    const unknown = centreHole();
    const w = importanceWeights(unknown, R, R);
    const sE = await encoderSession(rt, 'trained', encoder);
    const s = await ganSession(rt, model, 4, 'l1', false);
    let coldIts = 0, warmIts = 0;
    for (let c = 0; c < 3; c++) {
      const y = await generate(planted(2000 + c));
      const cold = await optimizeLatent(s, { y, w, nz }, { restarts: 4, iterations: 150, learningRate: 0.05, seed: 5 + c });
      const target = cold.loss * 1.02;
      const init = warmStarts(await encodeWindow(sE, eSpec, y, unknown), 4, 0.5, 5 + c, 3);
      const warm = await optimizeLatent(s, { y, w, nz }, { restarts: 4, iterations: 150, learningRate: 0.05, init });
      const first = (h: number[]): number => { const i = h.findIndex((l) => l <= target); return i < 0 ? Infinity : i; };
      expect(warm.history[0]).toBeLessThan(0.5 * cold.history[0]);
      expect(first(warm.history)).toBeLessThan(first(cold.history));
      coldIts += first(cold.history);
      warmIts += first(warm.history);
    }
    expect(Number.isFinite(warmIts)).toBe(true);
    expect(warmIts).toBeLessThan(0.75 * coldIts);
  });

  it('the engine starts from the encoder when the model has one and records it; without one it cold-starts with a notice', async () => {
    const img = makeImage(48, 48, 3, (x, y, c) => 60 + 2 * x + y + 30 * c);
    const mask = makeMask(48, 48, (x, y) => x >= 18 && x < 28 && y >= 20 && y < 28);
    const plain = await ganInpaint(img, mask, { model, iterations: 8, restarts: 2, runtime: rt, seed: 1 });
    expect(plain.start).toBe('cold');
    expect(plain.notice).toBe(NO_ENCODER_NOTICE);
    expect(plain.reports[0]).toMatchObject({ start: 'cold', notice: NO_ENCODER_NOTICE, iterations: 8 });
    expect(plain.reports[0].restartLosses).toHaveLength(2);
    const withE: GanModel = { ...model, id: 'with-encoder', encoder };
    const warm = await ganInpaint(img, mask, { model: withE, runtime: rt, seed: 1, warmIterations: 40, patience: 5 });
    expect(warm.start).toBe('encoder');
    expect(warm.notice).toBeUndefined();
    const r = warm.reports[0];
    expect(r.start).toBe('encoder');
    expect(r.restartLosses).toHaveLength(4);
    expect(r.iterations).toBeLessThanOrEqual(40);
    expect(r.encoderLoss).toBeGreaterThanOrEqual(r.loss);
    expect(warm.params).toMatchObject({ start: 'auto', warmRestarts: 4, warmIterations: 40, patience: 5 });
    const forcedCold = await ganInpaint(img, mask, { model: withE, runtime: rt, seed: 1, start: 'cold', iterations: 3, restarts: 2 });
    expect(forcedCold.start).toBe('cold');
    expect(forcedCold.notice).toBeUndefined(); // asked for: no notice
    await expect(ganInpaint(img, mask, { model, runtime: rt, start: 'encoder' })).rejects.toMatchObject({ code: 'NO_ENCODER' });
  });

  it("previews each hole's fill G(E(x)) before its search: opaque only over the hole, and with no search the final fill", async () => {
    const img = makeImage(64, 48, 3, (x, y, c) => 60 + 2 * x + y + 30 * c);
    // two holes far apart: two windows, two previews
    const mask = makeMask(64, 48, (x, y) => (x >= 6 && x < 14 && y >= 8 && y < 16) || (x >= 46 && x < 56 && y >= 30 && y < 38));
    const withE: GanModel = { ...model, id: 'with-encoder', encoder };
    const previews: FillPreview[] = [];
    const r = await ganInpaint(img, mask, { model: withE, runtime: rt, seed: 1, warmRestarts: 1, warmIterations: 0, onPreview: (p) => previews.push(p) });
    expect(previews.map((p) => [p.hole, p.holes])).toEqual([[1, 2], [2, 2]]);
    expect(r.reports.map((h) => h.iterations)).toEqual([0, 0]);
    for (const [i, p] of previews.entries()) {
      const win = r.reports[i].window;
      // a small window is previewed at its own size
      expect([p.x0, p.y0, p.width, p.height, p.image.width, p.image.height, p.image.channels]).toEqual([win.x0, win.y0, win.side, win.side, win.side, win.side, 4]);
      let holeDiff = 0, holePixels = 0, opaqueFar = 0, ringDiff = 0;
      const nearHole = (x: number, y: number): boolean => [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => mask.data[(y + dy) * 64 + x + dx] > 0));
      for (let y = 0; y < win.side; y++) for (let x = 0; x < win.side; x++) {
        const q = (y + p.y0) * 64 + x + p.x0;
        const at = (y * win.side + x) * 4;
        if (!mask.data[q]) {
          // transparent but for a 1-px ring of the photo's own pixels around the hole
          if (p.image.data[at + 3] && !nearHole(x + p.x0, y + p.y0)) opaqueFar++;
          if (p.image.data[at + 3]) for (let c = 0; c < 3; c++) ringDiff = Math.max(ringDiff, Math.abs(p.image.data[at + c] - img.data[q * 3 + c]));
          continue;
        }
        holePixels++;
        expect(p.image.data[at + 3]).toBe(255);
        for (let c = 0; c < 3; c++) holeDiff = Math.max(holeDiff, Math.abs(p.image.data[at + c] - r.image.data[q * 3 + c]));
      }
      expect(holePixels).toBeGreaterThan(0);
      expect(opaqueFar).toBe(0);
      expect(ringDiff).toBe(0);
      expect(holeDiff).toBe(0); // E's start, blended as the result is: with no iterations, the result itself
    }
    // without an encoder there is nothing to preview
    const cold: FillPreview[] = [];
    await ganInpaint(img, mask, { model, runtime: rt, seed: 1, iterations: 2, restarts: 2, onPreview: (p) => cold.push(p) });
    expect(cold).toHaveLength(0);
  });

  it('a large window is previewed at 256 px, close to the full-size fill', async () => {
    const W = 640, H = 480;
    const img = makeImage(W, H, 3, (x, y, c) => 60 + (x >> 2) + (y >> 3) + 30 * c);
    const mask = makeMask(W, H, (x, y) => x >= 250 && x < 400 && y >= 180 && y < 300);
    const previews: FillPreview[] = [];
    const r = await ganInpaint(img, mask, { model: { ...model, id: 'with-encoder', encoder }, runtime: rt, seed: 1, warmRestarts: 1, warmIterations: 0, onPreview: (p) => previews.push(p) });
    expect(previews).toHaveLength(1);
    const p = previews[0];
    const side = r.reports[0].window.side;
    expect(side).toBeGreaterThan(256);
    expect([p.width, p.height, p.image.width, p.image.height]).toEqual([side, side, 256, 256]);
    // every hole pixel lies under an opaque preview pixel, and the colours agree with the result's
    let err = 0, n = 0;
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
      const q = (y + p.y0) * W + x + p.x0;
      if (!mask.data[q]) continue;
      const cell = (v: number): number => Math.ceil(((v + 1) * 256) / side) - 1; // shrinkCrop's cell of a window pixel
      const at = (cell(y) * 256 + cell(x)) * 4;
      expect(p.image.data[at + 3]).toBe(255);
      for (let c = 0; c < 3; c++) err += Math.abs(p.image.data[at + c] - r.image.data[q * 3 + c]);
      n += 3;
    }
    expect(err / n).toBeLessThan(4);
  });

  it('the preview comes before the search, which goes on from it', async () => {
    const img = makeImage(48, 48, 3, (x, y, c) => 60 + 2 * x + y + 30 * c);
    const mask = makeMask(48, 48, (x, y) => x >= 18 && x < 28 && y >= 20 && y < 28);
    const order: string[] = [];
    await ganInpaint(img, mask, {
      model: { ...model, id: 'with-encoder', encoder }, runtime: rt, seed: 1, warmIterations: 5,
      onPreview: () => order.push('preview'), onIteration: () => order.push('search'),
    });
    expect(order[0]).toBe('preview');
    expect(order.filter((o) => o === 'preview')).toHaveLength(1);
    expect(order.filter((o) => o === 'search').length).toBeGreaterThan(0);
  });

  it('refuses an encoder trained against another generator, naming both', async () => {
    const other = smallGanModel(77, { id: 'other-G' });
    const img = makeImage(48, 48, 3, (x, y) => 100 + x + y);
    const mask = makeMask(48, 48, (x, y) => x >= 18 && x < 28 && y >= 20 && y < 28);
    const err = await ganInpaint(img, mask, { model: { ...other, encoder }, runtime: rt }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InpaintError);
    expect((err as InpaintError).code).toBe('ENCODER_MISMATCH');
    expect((err as Error).message).toContain(generatorDigest(model.weights));
    expect((err as Error).message).toContain(generatorDigest(other.weights));
    expect((err as Error).message).toContain("'other-G'");
  });
});
