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
