import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../onnx/runtime';
import { Rng } from '../random';
import { generatorDigest, zencoderSpec } from '../nets/zencoder';
import { smallGanModel } from '../../../test/fixtures/gan-model';
import { datasetFromPixels } from './data';
import { adaptBaseEncoder, adaptEncoder } from './encoder-adapt';
import { ZencTrainer, decodeZencoderWeights, encodeZencoderWeights, loadEncoderSource, makeZencBatch, sha256Bytes, type ZencHyper } from './zencoder';

const rt = new Runtime({ provider: 'cpu', threads: 1, spin: false });
const base = smallGanModel(3);
const tuned = smallGanModel(4); // stands in for the fine-tuned generator: same architecture, other weights
const { spec } = base;
const R = spec.resolution;
const eSpec = zencoderSpec({ nc: 3, nz: spec.nz, resolution: R, widths: [8, 16] });
const hyper: ZencHyper = { batch: 8, synthetic: 4, lr: 2e-3, alpha: 0.1, seed: 3 };
const pixRng = new Rng(17);
const ds = datasetFromPixels(Uint8Array.from({ length: 6 * 32 * 32 * 3 }, () => pixRng.int(256)), 6, 32);
const dirs: string[] = [];
afterAll(async () => {
  await rt.release();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The base model's encoder: a few steps against the base generator. */
async function baseEncoder(): Promise<{ weights: Map<string, Float32Array>; bytes: Uint8Array }> {
  const t = new ZencTrainer(spec, base.weights, eSpec, hyper);
  const rng = new Rng(9);
  for (let i = 0; i < 5; i++) await t.step(rt, makeZencBatch(rng, spec, hyper, ds, []));
  return { weights: t.weights, bytes: encodeZencoderWeights(eSpec, t.weights, { 'renovo.generator.digest': generatorDigest(base.weights) }) };
}

/** Mean contextual loss of an encoder on fixed batches of the generator's own samples, which it can reproduce (lr 0: nothing is trained). */
async function contextLoss(gWeights: ReadonlyMap<string, Float32Array>, w: ReadonlyMap<string, Float32Array>): Promise<number> {
  const evalHyper = { ...hyper, synthetic: hyper.batch, lr: 0 };
  const t = new ZencTrainer(spec, gWeights, eSpec, evalHyper, new Map([...w].map(([k, v]) => [k, Float32Array.from(v)])));
  const rng = new Rng(123);
  let s = 0;
  for (let i = 0; i < 3; i++) s += (await t.step(rt, makeZencBatch(rng, spec, evalHyper, null, []))).context;
  return s / 3;
}

describe('adapting a z-encoder to a fine-tuned generator', () => {
  it('lowers the contextual loss under the new generator, records its lineage and leaves the base encoder untouched', async () => {
    const b = await baseEncoder();
    const before = await contextLoss(tuned.weights, b.weights);
    const snapshot = new Map([...b.weights].map(([k, v]) => [k, Float32Array.from(v)]));
    const a = await adaptEncoder({ runtime: rt, gSpec: spec, gWeights: tuned.weights, encoder: { spec: eSpec, weights: b.weights, sha256: sha256Bytes(b.bytes) }, dataset: ds, steps: 150, hyper: { lr: 2e-3, batch: 8, synthetic: 4 } });
    const after = await contextLoss(tuned.weights, a.weights);
    expect(after).toBeLessThan(before * 0.9);
    for (const [k, v] of snapshot) expect(b.weights.get(k)).toEqual(v);
    expect(a).toMatchObject({ steps: 150, generatorDigest: generatorDigest(tuned.weights), parentSha256: sha256Bytes(b.bytes), sha256: sha256Bytes(a.bytes) });
    const d = decodeZencoderWeights(a.bytes);
    expect(d.spec).toEqual(eSpec);
    expect(d.metadata).toMatchObject({ 'renovo.generator.digest': generatorDigest(tuned.weights), 'renovo.parent.sha256': sha256Bytes(b.bytes), 'renovo.steps': '150' });
  }, 60_000);

  it('a fine-tune whose base encoder is missing, unreadable or made for another generator gets none, and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'renovo-adapt-'));
    dirs.push(dir);
    const b = await baseEncoder();
    const file = join(dir, 'E.safetensors');
    await writeFile(file, b.bytes);
    const common = { runtime: rt, gSpec: spec, gWeights: tuned.weights, dataset: ds, steps: 2 };
    expect(await adaptBaseEncoder({ ...common, source: null, baseWeights: base.weights })).toEqual({ encoderSkipped: 'the base model has no z-encoder' });
    expect(await adaptBaseEncoder({ ...common, source: { file, sha256: 'f'.repeat(64) }, baseWeights: base.weights })).toEqual({ encoderSkipped: expect.stringMatching(/^the base model's z-encoder could not be read \(.*is not the z-encoder recorded for this model/) });
    expect(await adaptBaseEncoder({ ...common, source: { file, sha256: sha256Bytes(b.bytes) }, baseWeights: smallGanModel(8).weights })).toEqual({ encoderSkipped: "the base model's z-encoder was trained against another generator" });
    const ok = await adaptBaseEncoder({ ...common, source: { file, sha256: sha256Bytes(b.bytes) }, baseWeights: base.weights });
    expect('encoder' in ok && ok.encoder.record.generatorDigest).toBe(generatorDigest(tuned.weights));
    // the adapted file loads back as the encoder of the tuned generator
    const out = join(dir, 'E2.safetensors');
    if (!('encoder' in ok)) throw new Error('expected an encoder');
    await writeFile(out, ok.encoder.bytes);
    expect(await loadEncoderSource({ file: out, sha256: ok.encoder.record.sha256 })).toMatchObject({ generatorDigest: generatorDigest(tuned.weights), sha256: ok.encoder.record.sha256 });
  }, 60_000);

  it('stops when cancelled', async () => {
    const b = await baseEncoder();
    const ac = new AbortController();
    const run = adaptEncoder({ runtime: rt, gSpec: spec, gWeights: tuned.weights, encoder: { spec: eSpec, weights: b.weights }, dataset: ds, steps: 100_000, signal: ac.signal, onProgress: (step) => { if (step >= 10) ac.abort(); } });
    await expect(run).rejects.toThrow();
  }, 60_000);
});
