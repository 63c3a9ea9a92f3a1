import { describe, expect, it } from 'vitest';
import { Runtime } from '../../onnx/runtime';
import type { ImageBuffer, MaskBuffer } from '../../image/types';
import { makeImage, makeMask } from '../../../../test/fixtures/inpaint';
import { inpaint, InpaintError } from '..';
import { GAN_SHADING_SHARE, ganInpaint, ganSession } from './engine';
import { importanceWeights } from './weights';
import { pullShading } from '../shading';
import { optimizeLatent } from './zopt';
import { buildGanZGraph } from './graph';
import { smallGanModel } from '../../../../test/fixtures/gan-model';
import { Rng } from '../../random';

const rt = new Runtime({ provider: 'cpu', threads: 1, spin: false });
const model = smallGanModel(3);
const R = model.spec.resolution;
const nz = model.spec.nz;

/** `truth` (96×96 RGB) with an 18×18 hole painted white, and the hole. */
function withHole(truth: ImageBuffer): { photo: ImageBuffer; hole: MaskBuffer } {
  const hole = makeMask(96, 96, (x, y) => x >= 40 && x < 58 && y >= 38 && y < 56);
  const photo = { ...truth, data: new Uint8Array(truth.data) };
  for (let p = 0; p < 96 * 96; p++) if (hole.data[p]) photo.data.fill(255, p * 3, p * 3 + 3);
  return { photo, hole };
}

/** G(z) for one latent, through a batch-1 session. */
async function generate(z: Float32Array): Promise<Float32Array> {
  const s = await ganSession(rt, model, 1, 'l1', false);
  const { image } = await s.run({ z, y: new Float32Array(3 * R * R), w: new Float32Array(R * R) }, ['image']);
  return image;
}

const centreHole = (): Uint8Array => {
  const u = new Uint8Array(R * R);
  for (let y = 5; y < 11; y++) for (let x = 5; x < 11; x++) u[y * R + x] = 1;
  return u;
};

function holeMae(a: Float32Array, b: Float32Array, unknown: Uint8Array): number {
  let s = 0, n = 0;
  for (let c = 0; c < 3; c++) for (let p = 0; p < R * R; p++) if (unknown[p]) { s += Math.abs(a[c * R * R + p] - b[c * R * R + p]); n++; }
  return s / n;
}

describe('importance weights', () => {
  it('match a direct count of unknown pixels in each 7×7 neighbourhood', () => {
    const rng = new Rng(5);
    for (const [w, h] of [[5, 4], [9, 9], [12, 7]]) {
      const un = Uint8Array.from({ length: w * h }, () => (rng.uniform() < 0.3 ? 1 : 0));
      const W = importanceWeights(un, w, h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        let n = 0;
        for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
          const yy = y + dy, xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w && un[yy * w + xx]) n++;
        }
        expect(W[y * w + x]).toBeCloseTo(un[y * w + x] ? 0 : n / 49, 6);
      }
    }
  });
});

describe('latent optimisation', () => {
  it('recovers a planted latent: the fill is close to G(z*) in the hole and the loss decreases', async () => {
    const zStar = new Rng(99).normals(nz).map((v) => Math.max(-2.5, Math.min(2.5, v)));
    const y = await generate(zStar);
    const unknown = centreHole();
    const w = importanceWeights(unknown, R, R);
    const s = await ganSession(rt, model, 4, 'l1', false);
    const res = await optimizeLatent(s, { y, w, nz }, { restarts: 4, iterations: 150, learningRate: 0.05, seed: 2 });
    expect(res.history.at(-1)!).toBeLessThan(0.3 * res.history[0]);
    for (let i = 1; i < res.history.length; i++) expect(res.history[i]).toBeLessThanOrEqual(res.history[i - 1]);
    const errFill = holeMae(res.image, y, unknown);
    let errRandom = 0;
    for (let k = 0; k < 4; k++) errRandom += holeMae(await generate(new Rng(500 + k).normals(nz)), y, unknown) / 4;
    expect(errFill).toBeLessThan(0.35 * errRandom);
  });

  it('keeps the restart with the lowest loss, and is deterministic under a seed', async () => {
    const y = await generate(new Rng(7).normals(nz));
    const w = importanceWeights(centreHole(), R, R);
    const s = await ganSession(rt, model, 3, 'l1', true);
    const a = await optimizeLatent(s, { y, w, nz }, { restarts: 3, iterations: 20, seed: 11, lambda: 0.003 });
    expect(a.loss).toBe(Math.min(...a.restartLosses));
    expect(a.restartLosses[a.chosen]).toBe(a.loss);
    for (let i = 0; i < 3; i++) expect(a.restartLosses[i]).toBeLessThanOrEqual(a.initialLosses[i]);
    const b = await optimizeLatent(s, { y, w, nz }, { restarts: 3, iterations: 20, seed: 11, lambda: 0.003 });
    expect(b.z).toEqual(a.z);
    expect(b.image).toEqual(a.image);
    expect(b.restartLosses).toEqual(a.restartLosses);
    const c = await optimizeLatent(s, { y, w, nz }, { restarts: 3, iterations: 20, seed: 12, lambda: 0.003 });
    expect(c.z).not.toEqual(a.z);
  });

  it('stops early when the gradient L1 norm falls below the threshold', async () => {
    const y = await generate(new Rng(8).normals(nz));
    const s = await ganSession(rt, model, 2, 'l1', false);
    const r = await optimizeLatent(s, { y, w: new Float32Array(R * R), nz }, { restarts: 2, iterations: 50, gradTol: 1e-4 }); // W = 0: zero gradient
    expect(r.stoppedBy).toBe('gradient');
    expect(r.iterations).toBe(0);
  });

  it('λ = 0 ignores D: no D in the graph, and results do not depend on D', async () => {
    const g = buildGanZGraph(model.spec, { batch: 1, norm: 'l1', withD: false });
    expect([...g.inputs, ...g.params].some((t) => t.name.startsWith('D.'))).toBe(false);
    const other = smallGanModel(3, { id: 'other-D' });
    const otherD = smallGanModel(77);
    for (const [k, v] of otherD.weights) if (k.startsWith('D.')) (other.weights as Map<string, Float32Array>).set(k, v);
    const img = makeImage(40, 40, 3, (x, y, c) => 128 + 60 * Math.sin(x / 5 + c) * Math.cos(y / 7));
    const mask = makeMask(40, 40, (x, y) => x >= 16 && x < 24 && y >= 16 && y < 24);
    const opts = { lambda: 0, iterations: 10, restarts: 2, seed: 4, runtime: rt };
    const a = await ganInpaint(img, mask, { ...opts, model });
    const b = await ganInpaint(img, mask, { ...opts, model: other });
    expect(b.image.data).toEqual(a.image.data);
    const c = await ganInpaint(img, mask, { ...opts, lambda: 0.5, model });
    const d = await ganInpaint(img, mask, { ...opts, lambda: 0.5, model: other });
    expect(d.reports[0].loss).not.toBe(c.reports[0].loss);
  });
});

describe('gan-zopt engine', () => {
  const img = makeImage(48, 40, 3, (x, y, c) => 100 + 50 * Math.sin(x / 4 + c) + 30 * Math.cos(y / 6));
  const mask = makeMask(48, 40, (x, y) => (x - 20) ** 2 + (y - 18) ** 2 < 30 || (x >= 38 && x < 42 && y >= 30 && y < 34));

  it('fills every hole, leaves known pixels bit-identical, reports progress and the provider', async () => {
    const progress: number[] = [];
    const messages: string[] = [];
    const r = await ganInpaint(img, mask, { model, iterations: 8, restarts: 2, runtime: rt, onProgress: (f, m) => { progress.push(f); messages.push(m ?? ''); } });
    expect(r.holes).toBe(2);
    expect(r.provider).toBe('cpu');
    expect(r.params).toMatchObject({ lambda: 0.003, iterations: 8, restarts: 2, learningRate: 0.03, loss: 'weighted-l1' });
    for (let p = 0; p < 48 * 40; p++) if (!mask.data[p]) for (let c = 0; c < 3; c++) expect(r.image.data[p * 3 + c]).toBe(img.data[p * 3 + c]);
    expect(progress.at(-1)).toBe(1);
    expect(messages.some((m) => /iteration \d+\/8, best loss [\d.]+, ETA \d+ s/.test(m))).toBe(true);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
  });

  it('works with a resize-convolution generator (dcganR-resize) as with a transposed one', async () => {
    const resizeModel = smallGanModel(3, { resolution: 32, upsample: 'resize', id: 'test-resize' });
    expect(resizeModel.spec.arch).toBe('dcgan32-resize');
    const r = await ganInpaint(img, mask, { model: resizeModel, iterations: 8, restarts: 2, runtime: rt });
    expect(r.holes).toBe(2);
    for (let p = 0; p < 48 * 40; p++) if (!mask.data[p]) for (let c = 0; c < 3; c++) expect(r.image.data[p * 3 + c]).toBe(img.data[p * 3 + c]);
    // the fill is the generator's: it differs from the transposed model's on the same holes
    const t = await ganInpaint(img, mask, { model: smallGanModel(3, { resolution: 32 }), iterations: 8, restarts: 2, runtime: rt });
    let differ = 0;
    for (let p = 0; p < 48 * 40; p++) if (mask.data[p] && r.image.data[p * 3] !== t.image.data[p * 3]) differ++;
    expect(differ).toBeGreaterThan(0);
  });

  it('runs through inpaint() and handles grey and RGBA photos', async () => {
    const grey = makeImage(32, 32, 1, (x, y) => 80 + 3 * x + 2 * y);
    const m = makeMask(32, 32, (x, y) => x >= 12 && x < 18 && y >= 12 && y < 18);
    const r = await inpaint(grey, m, { engine: 'gan-zopt', gan: { model, iterations: 3, restarts: 2, runtime: rt } as never });
    expect(r.engine).toBe('gan-zopt');
    expect(r.image.channels).toBe(1);
    const rgba = makeImage(32, 32, 4, (x, y, c) => (c === 3 ? 200 : 60 + 4 * x + c * y));
    const r2 = await ganInpaint(rgba, m, { model, iterations: 3, restarts: 2, runtime: rt });
    for (let p = 0; p < 32 * 32; p++) expect(r2.image.data[p * 4 + 3]).toBe(200);
  });

  it('cancels within one iteration', async () => {
    const ac = new AbortController();
    let seen = 0;
    const p = ganInpaint(img, mask, {
      model, iterations: 1000, restarts: 2, runtime: rt, signal: ac.signal,
      onIteration: (s) => { seen = s.iteration; if (s.iteration === 3) ac.abort(); },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(3);
  });

  it('refine: patchmatch takes a third of the fill\'s shading from the GAN and the rest from the exemplar fill', async () => {
    // a flat photo: the exemplar fill is the flat grey, the tiny random test GAN draws something else
    const W = 96, H = 96;
    const photo = makeImage(W, H, 3, () => 100);
    const hole = makeMask(W, H, (x, y) => x >= 36 && x < 60 && y >= 36 && y < 60);
    const base = { model, iterations: 10, restarts: 2, runtime: rt, seed: 4, blend: 'off' as const };
    const gan = await ganInpaint(photo, hole, base);
    const refined = await ganInpaint(photo, hole, { ...base, refine: 'patchmatch' });
    let ganOff = 0, refinedOff = 0; // mean offset from the grey over the hole's interior (σ 2 px blur inside)
    for (let y = 42; y < 54; y++) for (let x = 42; x < 54; x++) for (let c = 0; c < 3; c++) {
      ganOff += gan.image.data[(y * W + x) * 3 + c] - 100;
      refinedOff += refined.image.data[(y * W + x) * 3 + c] - 100;
    }
    expect(Math.abs(ganOff)).toBeGreaterThan(12 * 12 * 3 * 5); // the GAN's fill is not the grey
    expect(refinedOff / ganOff).toBeGreaterThan(GAN_SHADING_SHARE * 0.8);
    expect(refinedOff / ganOff).toBeLessThan(GAN_SHADING_SHARE * 1.2);
  });

  it('refines the texture of the fill from the photo (refine: patchmatch)', async () => {
    // a periodic texture the tiny random test GAN cannot draw, but the photo holds elsewhere
    const W = 96, H = 96;
    const truth = makeImage(W, H, 3, (x, y, c) => 128 + 70 * Math.sin((2 * Math.PI * x) / 8 + c) * Math.cos((2 * Math.PI * y) / 6));
    const { photo, hole } = withHole(truth);
    const base = { model, iterations: 10, restarts: 2, runtime: rt, seed: 4, blend: 'off' as const };
    const plain = await ganInpaint(photo, hole, base);
    const refined = await ganInpaint(photo, hole, { ...base, refine: 'patchmatch' });
    expect(refined.params.refine).toBe('patchmatch');
    const err = (a: Uint8Array): number => {
      let se = 0, n = 0;
      for (let p = 0; p < W * H; p++) if (hole.data[p]) for (let c = 0; c < 3; c++) { se += (a[p * 3 + c] - truth.data[p * 3 + c]) ** 2; n++; }
      return Math.sqrt(se / n);
    };
    expect(err(refined.image.data)).toBeLessThan(err(plain.image.data) / 2);
    for (let p = 0; p < W * H; p++) if (!hole.data[p]) expect(refined.image.data[p * 3]).toBe(photo.data[p * 3]);
    const again = await ganInpaint(photo, hole, { ...base, refine: 'patchmatch' });
    expect(Buffer.from(again.image.data).equals(Buffer.from(refined.image.data))).toBe(true);
    await expect(ganInpaint(photo, hole, { ...base, refine: 'telea' as never })).rejects.toMatchObject({ code: 'BAD_GAN_PARAMS' });
  });

  it('refine: with one hole, the exemplar part is object removal\'s own fill (same crop, same seed)', async () => {
    // grain over a ramp: where PatchMatch copies from depends on the crop it searches
    const W = 96, H = 96;
    const rng = new Rng(5);
    const truth = makeImage(W, H, 3, (x, y) => 60 + x + 40 * rng.uniform());
    const { photo, hole } = withHole(truth);
    const base = { model, iterations: 10, restarts: 2, runtime: rt, seed: 4, blend: 'normal' as const };
    const gan = await ganInpaint(photo, hole, base);
    const refined = await ganInpaint(photo, hole, { ...base, refine: 'patchmatch' });
    const removal = await inpaint(photo, hole, { engine: 'patchmatch', seed: 4 });
    const f32 = (a: Uint8Array): Float32Array => Float32Array.from(a);
    const hole01 = Uint8Array.from(hole.data, (v) => (v ? 1 : 0));
    const expected = pullShading(f32(removal.image.data), f32(gan.image.data), W, H, 3, hole01, GAN_SHADING_SHARE);
    let worst = 0;
    for (let p = 0; p < W * H; p++) if (hole.data[p]) for (let c = 0; c < 3; c++) {
      worst = Math.max(worst, Math.abs(refined.image.data[p * 3 + c] - Math.min(255, Math.max(0, expected[p * 3 + c]))));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('the refined fill keeps the grain of the photo (texture from the photo, not a smear)', async () => {
    // film-grain-like noise nothing can predict: an averaging vote smears it, copied pixels keep it
    const W = 96, H = 96;
    const rng = new Rng(11);
    const truth = makeImage(W, H, 3, () => 128 + 40 * (rng.uniform() - 0.5));
    const { photo, hole } = withHole(truth);
    const refined = await ganInpaint(photo, hole, { model, iterations: 10, restarts: 2, runtime: rt, seed: 4, blend: 'normal', refine: 'patchmatch' });
    // Laplacian variance of the first channel 2 px and more inside the hole, fill ÷ truth
    const lapVar = (a: Uint8Array): number => {
      let s1 = 0, s2 = 0, n = 0;
      for (let y = 40; y < 54; y++) for (let x = 42; x < 56; x++) {
        const p = y * W + x, v = 4 * a[p * 3] - a[(p - 1) * 3] - a[(p + 1) * 3] - a[(p - W) * 3] - a[(p + W) * 3];
        s1 += v; s2 += v * v; n++;
      }
      return s2 / n - (s1 / n) ** 2;
    };
    expect(lapVar(refined.image.data) / lapVar(truth.data)).toBeGreaterThan(0.7);
  });

  it('fails clearly on bad input', async () => {
    const none = makeMask(48, 40, () => false);
    await expect(ganInpaint(img, none, { model, runtime: rt })).rejects.toMatchObject({ code: 'EMPTY_MASK' });
    const huge = makeMask(48, 40, (x, y) => x > 2 && x < 45 && y > 2 && y < 37);
    await expect(ganInpaint(img, huge, { model, runtime: rt })).rejects.toMatchObject({ code: 'HOLE_TOO_LARGE' });
    await expect(ganInpaint(img, mask, { model: undefined as never, runtime: rt })).rejects.toMatchObject({ code: 'NO_MODEL' });
    await expect(inpaint(img, mask, { engine: 'gan-zopt' })).rejects.toBeInstanceOf(InpaintError);
    await expect(ganInpaint(img, mask, { model, restarts: 0, runtime: rt })).rejects.toMatchObject({ code: 'BAD_GAN_PARAMS' });
    await expect(ganInpaint(img, mask, { model, loss: 'l3' as never, runtime: rt })).rejects.toMatchObject({ code: 'BAD_GAN_PARAMS' });
  });
});
