import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../jobs';
import { Library } from '../library';
import { dcganSpec } from '../nets/dcgan';
import { startTrainingJob, type TrainingJobEvent } from './job';
import type { TrainTask } from './task';
import { loadModelVersion } from './session';
import { ZencTrainer, encodeZencoderWeights, loadEncoderSource, makeZencBatch, sha256Bytes } from './zencoder';
import { generatorDigest, zencoderSpec } from '../nets/zencoder';
import { Runtime } from '../onnx/runtime';
import { Rng } from '../random';

// The job runner needs a worker bundle that includes the 'train' task: bundle it for this test
// (inside node_modules/.cache so the external packages resolve from the repository).
const workerPath = join(process.cwd(), 'node_modules', '.cache', `renovo-train-worker-${process.pid}.cjs`);
const spec = dcganSpec({ resolution: 16, ngf: 4, ndf: 4, nz: 8 });
let dir: string;
let lib: Library;
let runner: JobRunner<{ train: TrainTask }>;
let data: string;

beforeAll(async () => {
  await build({ bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', entryPoints: [join(process.cwd(), 'src/core/app/workers/job-worker.ts')], outfile: workerPath });
  dir = await mkdtemp(join(tmpdir(), 'renovo-trainjob-'));
  lib = Library.open(join(dir, 'lib'));
  runner = new JobRunner({ size: 1, workerPath, cancelGraceMs: 20_000 });
  data = join(dir, 'data');
  await mkdir(data);
  for (let i = 0; i < 8; i++) await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 30 * i, g: 60, b: 90 } } }).png().toFile(join(data, `i${i}.png`));
}, 60_000);
afterAll(async () => {
  await runner?.close();
  lib?.close();
  await rm(workerPath, { force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('training jobs (worker thread + history database)', () => {
  it('runs, pauses with a checkpoint, resumes and completes into a model version; losses are recorded', async () => {
    const events: TrainingJobEvent[] = [];
    let paused = false;
    const job = startTrainingJob({
      library: lib, runner, name: 'job-tiny', dataDir: data, spec, hyper: { batch: 4 }, steps: 30, threads: 1,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'progress' && e.progress.step >= 3 && !paused) {
          paused = true;
          job.pause();
        }
        if (e.type === 'paused') setTimeout(() => job.resume(), 10);
      },
    });
    const { model, run } = await job.done;
    expect(model).toMatchObject({ name: 'job-tiny', version: 1, source: 'trained', architecture: 'dcgan16' });
    expect(run).toMatchObject({ status: 'done', kind: 'train', steps: 30, imageCount: 8, resultModelId: model!.id });
    const types = events.map((e) => e.type);
    expect(types).toContain('paused');
    expect(types.filter((t) => t === 'dataset')).toHaveLength(2);
    const runs = lib.store.trainingRuns.list();
    expect(runs).toHaveLength(2);
    const first = runs.find((r) => r.status === 'cancelled')!;
    expect(first.error).toMatch(/^paused at step \d+; checkpoint .*step-\d{8}/);
    expect(model!.metrics.resumedFromStep).toBeGreaterThan(0);
    const last = events.filter((e) => e.type === 'progress').pop() as Extract<TrainingJobEvent, { type: 'progress' }>;
    expect(last.progress.samplePath).toMatch(/\.png$/);
    expect(last.sampleFile).toMatch(/^previews\/.*\.png$/);
    expect(lib.exists(last.sampleFile!)).toBe(true);
    expect(lib.store.trainingRuns.metrics(run!.id).some((m) => m.name === 'lossD')).toBe(true);

    // fine-tune job from that version, cancelled: run row cancelled, no model, checkpoint kept
    const ft = startTrainingJob({
      library: lib, runner, name: 'job-ft', base: model!, dataDir: data, hyper: { batch: 4 }, steps: 1000, threads: 1,
      onEvent: (e) => {
        if (e.type === 'progress' && e.progress.step >= 2) ft.cancel();
      },
    });
    const r = await ft.done;
    expect(r.model).toBeNull();
    expect(r.run).toMatchObject({ kind: 'finetune', status: 'cancelled', baseModelId: model!.id });
    expect(r.run!.error).toMatch(/cancelled at step \d+; checkpoint .*step-/);
  });

  it("a fine-tune adapts its base's z-encoder to the new generator after the GAN steps (encoder events, recorded with the version)", async () => {
    const base = lib.store.models.list().find((m) => m.name === 'job-tiny')!;
    const { weights } = await loadModelVersion(lib, base);
    // give the base an encoder trained (two steps) against its generator, stored in the library as a fine-tune stores one
    const eSpec = zencoderSpec({ nc: 3, nz: spec.nz, resolution: spec.resolution, widths: [8, 16] });
    const hyper = { batch: 4, synthetic: 4, lr: 1e-3, alpha: 0.1, seed: 1 };
    const rt = new Runtime({ provider: 'cpu', threads: 1, spin: false });
    const t = new ZencTrainer(spec, weights, eSpec, hyper);
    const rng = new Rng(4);
    for (let i = 0; i < 2; i++) await t.step(rt, makeZencBatch(rng, spec, hyper, null, []));
    await rt.release();
    const bytes = encodeZencoderWeights(eSpec, t.weights, { 'renovo.generator.digest': generatorDigest(weights) });
    const encoder = { file: lib.putBytes('models', bytes, 'sft'), sha256: sha256Bytes(bytes) };
    const withEncoder = lib.store.models.add({ name: 'job-tiny-enc', version: 1, architecture: base.architecture, file: base.file, sha256: base.sha256, parentId: null, source: 'trained', metrics: { ...base.metrics, encoder } });
    const events: TrainingJobEvent[] = [];
    const job = startTrainingJob({ library: lib, runner, name: 'job-ft-enc', base: withEncoder, dataDir: data, hyper: { batch: 4 }, steps: 3, encoderSteps: 20, threads: 1, onEvent: (e) => events.push(e) });
    const { model } = await job.done;
    const enc = events.filter((e) => e.type === 'encoder') as Extract<TrainingJobEvent, { type: 'encoder' }>[];
    expect(enc.map((e) => e.step)).toEqual([10, 20]);
    expect(enc[0].totalSteps).toBe(20);
    const tuned = await loadModelVersion(lib, model!);
    expect(model!.metrics.encoder).toMatchObject({ steps: 20, parentSha256: encoder.sha256, generatorDigest: generatorDigest(tuned.weights) });
    const rec = model!.metrics.encoder as { file: string; sha256: string };
    expect(await loadEncoderSource({ file: lib.resolve(rec.file), sha256: rec.sha256 })).toMatchObject({ generatorDigest: generatorDigest(tuned.weights) });
    expect(events.at(-1)).toMatchObject({ type: 'done' });
    expect((events.at(-1) as { encoderSkipped?: string }).encoderSkipped).toBeUndefined();
    // a base without an encoder: the new version has none, and the done event says why
    const plain = await startTrainingJob({ library: lib, runner, name: 'job-ft-plain', base, dataDir: data, hyper: { batch: 4 }, steps: 2, threads: 1, onEvent: (e) => events.push(e) }).done;
    expect(plain.model!.metrics.encoder).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'done', encoderSkipped: 'the base model has no z-encoder' });
  }, 60_000);

  it('a bad folder fails the job without writing a run row', async () => {
    const before = lib.store.trainingRuns.list().length;
    const events: TrainingJobEvent[] = [];
    const job = startTrainingJob({ library: lib, runner, name: 'bad', dataDir: join(dir, 'nowhere'), spec, hyper: { batch: 4 }, steps: 2, onEvent: (e) => events.push(e) });
    await expect(job.done).rejects.toThrow(/does not exist/);
    expect(job.state).toBe('failed');
    expect(events).toEqual([{ type: 'failed', message: expect.stringMatching(/nowhere does not exist/) }]);
    expect(lib.store.trainingRuns.list().length).toBe(before);
  });
});
