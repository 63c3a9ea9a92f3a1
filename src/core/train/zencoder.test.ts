import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../onnx/runtime';
import { Rng } from '../random';
import { generatorDigest, zencoderSpec } from '../nets/zencoder';
import { smallGanModel } from '../../../test/fixtures/gan-model';
import { datasetFromPixels } from './data';
import { encodeModelFile } from './modelfile';
import {
  HOLE_KINDS, ZencTrainer, drawHole, loadModelEncoder, loadZencCheckpoint, makeZencBatch, saveZencCheckpoint, sha256Bytes, shipEncoder,
  type SilhouetteMask, type ZencHyper, type ZencState,
} from './zencoder';

const rt = new Runtime({ provider: 'cpu', threads: 1, spin: false });
const model = smallGanModel(3);
const { spec } = model;
const R = spec.resolution;
const eSpec = zencoderSpec({ nc: 3, nz: spec.nz, resolution: R, widths: [8, 16] });
const hyper: ZencHyper = { batch: 4, synthetic: 2, lr: 2e-3, alpha: 0.1, seed: 3 };
const pixRng = new Rng(17);
const ds = datasetFromPixels(Uint8Array.from({ length: 5 * 32 * 32 * 3 }, () => pixRng.int(256)), 5, 32);
const dirs: string[] = [];
const tmp = async (): Promise<string> => { const d = await mkdtemp(join(tmpdir(), 'renovo-zenc-')); dirs.push(d); return d; };
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

const state = (t: ZencTrainer, step: number, rng: Rng): ZencState => ({
  format: 'renovo-zencoder-checkpoint/1', step, adamT: t.adam.state.t, rng: rng.state, spec: t.spec, gSpec: spec, hyper, generatorDigest: generatorDigest(model.weights),
  elapsedMs: 0, losses: [], meta: { command: 'test', data: { folder: '(memory)' } },
});

describe('z-encoder trainer', () => {
  it('holes cover 3–30 % of the window for every kind, silhouettes included', () => {
    const rng = new Rng(1);
    const sil: SilhouetteMask = { width: 10, height: 14, data: Uint8Array.from({ length: 140 }, (_, i) => ((i % 10) - 5) ** 2 + (Math.floor(i / 10) - 7) ** 2 < 20 ? 255 : 0) };
    for (const kind of HOLE_KINDS) {
      for (let i = 0; i < 20; i++) {
        const { mask, kind: k } = drawHole(rng, 64, [sil], kind);
        expect(k).toBe(kind);
        const frac = mask.reduce((a, b) => a + b, 0) / mask.length;
        expect(frac).toBeGreaterThanOrEqual(0.03);
        expect(frac).toBeLessThanOrEqual(0.3);
      }
    }
  });

  it('a step lowers the loss on a fixed batch, and only E is trained', async () => {
    const t = new ZencTrainer(spec, model.weights, eSpec, hyper);
    const b = makeZencBatch(new Rng(5), spec, hyper, ds, []);
    const first = await t.step(rt, b);
    let last = first;
    for (let i = 0; i < 30; i++) last = await t.step(rt, b);
    expect(last.loss).toBeLessThan(0.8 * first.loss);
    expect(first.latent).toBeGreaterThan(0);
    expect([...t.weights.keys()].every((k) => k.startsWith('E.'))).toBe(true);
  });

  it("the discriminator's perceptual term: off by default; with λ it is in the loss and training raises D's score of G(E(x))", async () => {
    const b = makeZencBatch(new Rng(5), spec, hyper, ds, []);
    const off = await new ZencTrainer(spec, model.weights, eSpec, hyper).step(rt, b);
    expect(off.perceptual).toBe(0);
    const lambda = 5;
    const t = new ZencTrainer(spec, model.weights, eSpec, { ...hyper, lambda });
    expect([...t.weights.keys()].every((k) => k.startsWith('E.'))).toBe(true);
    const first = await t.step(rt, b);
    // same initial E (same seed): the loss differs from the plain one by exactly λ · log(1 − D)
    expect(first.context).toBeCloseTo(off.context, 5);
    expect(first.perceptual).toBeLessThan(0);
    expect(first.loss).toBeCloseTo(off.loss + lambda * first.perceptual, 4);
    let last = first;
    for (let i = 0; i < 30; i++) last = await t.step(rt, b);
    expect(last.perceptual).toBeLessThan(first.perceptual); // log(1 − D) falls: D rates G(E(x)) more real
    expect(last.loss).toBeLessThan(first.loss);
  });

  it('resuming from a checkpoint is bit-identical to an uninterrupted run', async () => {
    const run = async (t: ZencTrainer, rng: Rng, n: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await t.step(rt, makeZencBatch(rng, spec, hyper, ds, []))).loss);
      return out;
    };
    const a = new ZencTrainer(spec, model.weights, eSpec, hyper);
    const rngA = new Rng(hyper.seed);
    const lossesA = await run(a, rngA, 6);
    const dir = await tmp();
    const b = new ZencTrainer(spec, model.weights, eSpec, hyper);
    const rngB = new Rng(hyper.seed);
    const lossesB = await run(b, rngB, 3);
    await saveZencCheckpoint(dir, state(b, 3, rngB), b);
    const ck = await loadZencCheckpoint(dir, spec, model.weights);
    expect(ck?.state.step).toBe(3);
    const c = ck!.trainer;
    const rngC = new Rng(0);
    rngC.state = ck!.state.rng;
    lossesB.push(...(await run(c, rngC, 3)));
    expect(lossesB).toEqual(lossesA);
    for (const [k, v] of a.weights) expect(c.weights.get(k)).toEqual(v);
    for (const [k, v] of a.adam.state.m) expect(c.adam.state.m.get(k)).toEqual(v);
    expect(c.adam.state.t).toBe(a.adam.state.t);
    // another generator's checkpoint is refused
    await expect(loadZencCheckpoint(dir, spec, smallGanModel(8).weights)).rejects.toThrow(/trained against generator/);
  });

  it('ships E.safetensors with a manifest entry; a folder whose G changed is refused, naming both sha256', async () => {
    const t = new ZencTrainer(spec, model.weights, eSpec, hyper);
    const rng = new Rng(1);
    await t.step(rt, makeZencBatch(rng, spec, hyper, ds, []));
    const run = await tmp();
    await saveZencCheckpoint(run, state(t, 1, rng), t);
    const dir = await tmp();
    const gBytes = encodeModelFile(spec, model.weights, { dtype: 'F16', prefix: 'G.' });
    await writeFile(join(dir, 'G.safetensors'), gBytes);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ format: 'renovo-shipped-model/1', name: 'tiny', files: {} }));
    // fp16 rounding changes G's weights: the run (fp32 G) does not match the shipped fp16 G
    await expect(shipEncoder({ modelDir: dir, checkpoint: run })).rejects.toThrow(/trained against generator/);
    // a run against the fp16-rounded G (what the folder holds) ships
    const { decodeModelFile } = await import('./modelfile');
    const g16 = decodeModelFile(gBytes).weights;
    const t16 = new ZencTrainer(spec, g16, eSpec, hyper);
    await t16.step(rt, makeZencBatch(rng, spec, hyper, ds, []));
    await saveZencCheckpoint(run, { ...state(t16, 2, rng), generatorDigest: generatorDigest(g16) }, t16);
    const entry = await shipEncoder({ modelDir: dir, checkpoint: run });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.encoder.sha256).toBe(sha256Bytes(new Uint8Array(await readFile(join(dir, 'E.safetensors')))));
    expect(manifest.files['E.safetensors'].sha256).toBe(entry.sha256);
    expect(manifest.encoder.generator.sha256).toBe(sha256Bytes(gBytes));
    expect(manifest.encoder.training.steps).toBe(2);
    const enc = await loadModelEncoder(dir);
    expect(enc?.generatorDigest).toBe(generatorDigest(g16));
    for (const [k, v] of t16.weights) expect(enc!.weights.get(k)!.length).toBe(v.length);
    // swap in another generator: refused, naming both
    const other = encodeModelFile(spec, smallGanModel(9).weights, { dtype: 'F16', prefix: 'G.' });
    await writeFile(join(dir, 'G.safetensors'), other);
    const err = (await loadModelEncoder(dir).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(sha256Bytes(gBytes));
    expect(err.message).toContain(sha256Bytes(other));
    // a folder without an encoder has none
    const bare = await tmp();
    await writeFile(join(bare, 'manifest.json'), '{}');
    expect(await loadModelEncoder(bare)).toBeNull();
  });
});
