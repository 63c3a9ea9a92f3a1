import { mkdtemp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../library';
import { Runtime } from '../onnx/runtime';
import { dcganSpec } from '../nets/dcgan';
import { loadCheckpoint } from './checkpoint';
import { DatasetError } from './data';
import { TrainControl } from './loop';
import { batchForFolder, loadModelVersion, runTrainingSession } from './session';
import { ZencTrainer, encodeZencoderWeights, makeZencBatch, sha256Bytes } from './zencoder';
import { generatorDigest, zencoderSpec } from '../nets/zencoder';
import { Rng } from '../random';

const spec = dcganSpec({ resolution: 16, ngf: 4, ndf: 4, nz: 8 });
const hyper = { batch: 4, seed: 3 };
let dir: string;
let lib: Library;
const rt = new Runtime({ provider: 'cpu', threads: 1 });

async function folder(name: string, n: number, rgb: [number, number, number]): Promise<string> {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  for (let i = 0; i < n; i++) {
    await sharp({ create: { width: 24, height: 20, channels: 3, background: { r: rgb[0], g: (rgb[1] + i * 7) % 256, b: rgb[2] } } }).png().toFile(join(d, `img-${i}.png`));
  }
  return d;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-session-'));
  lib = Library.open(join(dir, 'lib'));
});
afterAll(async () => {
  lib.close();
  await rt.release();
  await rm(dir, { recursive: true, force: true });
});

describe('training sessions in the history database', () => {
  it('trains a model, then fine-tunes it on another folder: new version with lineage, dataset identity, hyper-parameters and losses', async () => {
    const land = await folder('land', 12, [40, 160, 60]);
    const art = await folder('art', 10, [200, 120, 30]);
    const a = await runTrainingSession({ library: lib, runtime: rt, name: 'tiny', dataDir: land, spec, hyper, steps: 3, runDir: join(dir, 'run-a'), cacheDir: join(dir, 'cache'), command: 'test' });
    expect(a.model).toMatchObject({ name: 'tiny', version: 1, architecture: 'dcgan16', source: 'trained', parentId: null });
    expect(a.run).toMatchObject({ kind: 'train', status: 'done', steps: 3, imageCount: 12, resultModelId: a.model!.id });
    expect(lib.exists(a.model!.file)).toBe(true);
    expect(lib.exists(String(a.model!.metrics.sample))).toBe(true);

    const b = await runTrainingSession({ library: lib, runtime: rt, name: 'tiny-art', base: a.model!, dataDir: art, hyper: { batch: 4 }, steps: 4, runDir: join(dir, 'run-b'), cacheDir: join(dir, 'cache') });
    expect(b.model).toMatchObject({ name: 'tiny-art', version: 1, architecture: 'dcgan16', parentId: a.model!.id, source: 'trained' });
    expect(b.run).toMatchObject({ kind: 'finetune', baseModelId: a.model!.id, resultModelId: b.model!.id, imageCount: 10, steps: 4, status: 'done' });
    expect(b.run.datasetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.run.datasetHash).not.toBe(a.run.datasetHash);
    expect(b.run.datasetPath).toBe(art);
    expect(b.run.params).toMatchObject({ arch: 'dcgan16', hyper: { batch: 4, lrD: 1e-4, labelSmoothing: 0.1 }, steps: 4 });
    expect(b.model!.metrics).toMatchObject({ steps: 4, dataset: { imageCount: 10, contentHash: b.run.datasetHash } });
    expect(lib.store.models.lineage(b.model!.id).map((m) => m.name)).toEqual(['tiny-art', 'tiny']);
    const names = new Set(lib.store.trainingRuns.metrics(b.run.id).map((m) => m.name));
    expect([...names].sort()).toEqual(['dReal', 'dFake', 'imagesPerSec', 'lossD', 'lossG'].sort());
    // the fine-tune started from the base weights: its file decodes to the same architecture
    const w = await loadModelVersion(lib, b.model!);
    expect(w.spec).toEqual(spec);
  });

  it('a second run under the same name becomes version 2', async () => {
    const land = join(dir, 'land');
    const c = await runTrainingSession({ library: lib, runtime: rt, name: 'tiny', dataDir: land, spec, hyper, steps: 1, runDir: join(dir, 'run-c'), cacheDir: join(dir, 'cache') });
    expect(c.model!.version).toBe(2);
  });

  it('bad folders fail clearly and leave the database unchanged', async () => {
    const runs = lib.store.trainingRuns.list().length;
    const models = lib.store.models.list().length;
    const few = await folder('few', 3, [1, 2, 3]);
    await writeFile(join(few, 'readme.txt'), 'not an image');
    await expect(runTrainingSession({ library: lib, runtime: rt, name: 'x', dataDir: join(dir, 'missing'), spec, hyper, steps: 1, runDir: join(dir, 'run-x') })).rejects.toThrow(/does not exist/);
    await expect(runTrainingSession({ library: lib, runtime: rt, name: 'x', dataDir: few, spec, hyper, steps: 1, runDir: join(dir, 'run-x'), onWarning: () => {} })).rejects.toThrow(DatasetError);
    await expect(runTrainingSession({ library: lib, runtime: rt, name: 'x', dataDir: few, spec, hyper, steps: 1, runDir: join(dir, 'run-x'), onWarning: () => {} })).rejects.toThrow(/has 3 usable images \(need at least 4/);
    await expect(runTrainingSession({ library: lib, runtime: rt, name: 'bad name!', dataDir: few, spec, hyper, steps: 1, runDir: join(dir, 'run-x') })).rejects.toThrow(/model name/);
    expect(lib.store.trainingRuns.list().length).toBe(runs);
    expect(lib.store.models.list().length).toBe(models);
  });

  it('a folder smaller than the batch trains with a batch of its size and says so (issue 15.5)', async () => {
    const six = await folder('six', 6, [90, 90, 200]);
    const warnings: string[] = [];
    const r = await runTrainingSession({ library: lib, runtime: rt, name: 'tiny-six', dataDir: six, spec, hyper: { batch: 64, seed: 1 }, steps: 1, runDir: join(dir, 'run-six'), cacheDir: join(dir, 'cache'), onWarning: (m) => warnings.push(m) });
    expect(r.model).not.toBeNull();
    expect(r.run.params).toMatchObject({ hyper: { batch: 6 } });
    expect(warnings.join('\n')).toMatch(/fewer than the batch size 64: training with --batch 6/);
    expect(batchForFolder(32, 30)).toBe(30);
    expect(batchForFolder(32, 3)).toBe(3);
    expect(batchForFolder(16, 100)).toBe(16);
  });

  it('cancel records a cancelled run, keeps a usable checkpoint, and the same run folder continues to a model', async () => {
    const land = join(dir, 'land');
    const control = new TrainControl();
    const runDir = join(dir, 'run-cancel');
    const r = await runTrainingSession({
      library: lib, runtime: rt, name: 'tiny-cancel', dataDir: land, spec, hyper, steps: 20, runDir, control, cacheDir: join(dir, 'cache'),
      onProgress: (p) => {
        if (p.step >= 2) control.cancel();
      },
    });
    expect(r.model).toBeNull();
    expect(r.run.status).toBe('cancelled');
    expect(r.run.error).toMatch(/checkpoint kept in/);
    const ck = await loadCheckpoint(runDir);
    expect(ck.state.step).toBe(r.loop.step);
    await stat(join(ck.dir, 'weights.safetensors'));
    const again = await runTrainingSession({ library: lib, runtime: rt, name: 'tiny-cancel', dataDir: land, spec, hyper, steps: r.loop.step + 1, runDir, cacheDir: join(dir, 'cache') });
    expect(again.loop.resumedFrom).toBe(r.loop.step);
    expect(again.model).toMatchObject({ name: 'tiny-cancel', version: 1 });
  });

  it('a fine-tune cancelled while adapting the z-encoder records a cancelled run and no model; the same run folder then finishes with an encoder', async () => {
    const land = join(dir, 'land');
    const art = join(dir, 'art');
    const base = (await runTrainingSession({ library: lib, runtime: rt, name: 'tiny-enc-base', dataDir: land, spec, hyper, steps: 2, runDir: join(dir, 'run-enc-base'), cacheDir: join(dir, 'cache') })).model!;
    // give the base an encoder trained against its generator (two steps), stored as a fine-tune stores one
    const { weights } = await loadModelVersion(lib, base);
    const eSpec = zencoderSpec({ nc: 3, nz: spec.nz, resolution: spec.resolution, widths: [8, 16] });
    const zh = { batch: 4, synthetic: 4, lr: 1e-3, alpha: 0.1, seed: 1 };
    const t = new ZencTrainer(spec, weights, eSpec, zh);
    const rng = new Rng(4);
    for (let i = 0; i < 2; i++) await t.step(rt, makeZencBatch(rng, spec, zh, null, []));
    const bytes = encodeZencoderWeights(eSpec, t.weights, { 'renovo.generator.digest': generatorDigest(weights) });
    const withEncoder = lib.store.models.add({ ...base, name: 'tiny-enc', version: 1, metrics: { ...base.metrics, encoder: { file: lib.putBytes('models', bytes, 'sft'), sha256: sha256Bytes(bytes) } } });
    const control = new TrainControl();
    const runDir = join(dir, 'run-enc-cancel');
    const common = { library: lib, runtime: rt, name: 'tiny-enc-art', base: withEncoder, dataDir: art, hyper: { batch: 4 }, steps: 2, encoderSteps: 30, runDir, cacheDir: join(dir, 'cache') };
    const r = await runTrainingSession({ ...common, control, onEncoderProgress: (step) => { if (step >= 10) control.cancel(); } });
    expect(r.model).toBeNull();
    expect(r.run).toMatchObject({ status: 'cancelled', steps: 2, resultModelId: null });
    expect(r.run.error).toMatch(/^cancelled while adapting the z-encoder/);
    expect(lib.store.models.findByName('tiny-enc-art')).toBeUndefined();
    const again = await runTrainingSession(common);
    expect(again.loop.resumedFrom).toBe(2);
    expect(again.model!.metrics.encoder).toMatchObject({ steps: 30, parentSha256: sha256Bytes(bytes) });
  });
});
