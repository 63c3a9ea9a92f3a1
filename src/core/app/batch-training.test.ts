// RenovoService: folders, batch restoration jobs and training / fine-tuning jobs, in-process, with
// the strict schemas the IPC gate and the bridge apply.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, parseApiCall, type JobEvent } from '../../shared/api';
import { hashTree, scanJpeg } from '../../../test/fixtures/restore';
import { waitForJob } from '../../../test/fixtures/service';
import { createRenovoService, type RenovoService } from './service';

// The job runner needs a worker bundle with the 'train' task: bundled for this test (inside
// node_modules/.cache so its external packages resolve from the repository).
const workerPath = join(process.cwd(), 'node_modules', '.cache', `renovo-service-worker-${process.pid}.cjs`);
let dir: string;
let service: RenovoService;
const events: JobEvent[] = [];

const waitFor = (jobId: string, types: JobEvent['type'][], timeoutMs?: number): Promise<JobEvent> => waitForJob(events, jobId, types, timeoutMs);

/** The batch job's batch-done event; rejects when the job ends any other way. */
async function batchDone(jobId: string): Promise<Extract<JobEvent, { type: 'batch-done' }>> {
  const end = await waitFor(jobId, ['batch-done', 'failed', 'cancelled']);
  if (end.type !== 'batch-done') throw new Error(JSON.stringify(end));
  return end;
}

/** A folder `name` of the test folder: scans a.jpg and album/b.jpg (seeds `seeds`) and an unreadable bad.jpg. */
async function scansWithABadFile(name: string, seeds: [number, number], width: number, height: number): Promise<string> {
  const input = join(dir, name);
  await mkdir(join(input, 'album'), { recursive: true });
  await writeFile(join(input, 'a.jpg'), await scanJpeg(seeds[0], width, height));
  await writeFile(join(input, 'album', 'b.jpg'), await scanJpeg(seeds[1], width, height));
  await writeFile(join(input, 'bad.jpg'), Buffer.from('not a jpeg'));
  return input;
}

async function expectApiError(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(ApiError);
  await expect(p).rejects.toMatchObject({ code });
}

beforeAll(async () => {
  await build({ bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', entryPoints: [join(process.cwd(), 'src/core/app/workers/job-worker.ts')], outfile: workerPath });
  dir = await mkdtemp(join(tmpdir(), 'renovo-service-jobs-'));
  service = await createRenovoService({ libraryDir: join(dir, 'lib'), host: 'web', runner: { size: 1, workerPath, cancelGraceMs: 20_000 }, shippedModelsDir: null });
  service.onJobEvent((e) => events.push(e));
}, 60_000);
afterAll(async () => {
  await service?.close();
  await rm(workerPath, { force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('schemas for folder paths', () => {
  it('accept absolute paths and refuse relative ones, NUL, overlong paths and unknown keys', () => {
    expect(parseApiCall('inspectFolder', { path: '/home/me/scans' }).input).toEqual({ path: '/home/me/scans' });
    expect(parseApiCall('inspectFolder', { path: 'C:\\Users\\me\\scans' }).input).toMatchObject({ path: 'C:\\Users\\me\\scans' });
    for (const bad of [{ path: 'scans' }, { path: '../x' }, { path: '/a\0b' }, { path: '/' + 'a'.repeat(5000) }, { path: '/x', extra: 1 }, {}]) {
      expect(() => parseApiCall('inspectFolder', bad), JSON.stringify(bad).slice(0, 40)).toThrow(/invalid/);
    }
    expect(() => parseApiCall('startBatch', { inputDir: '/a', outputDir: '/b', options: { suffix: '../x' } })).toThrow(/suffix/);
    expect(() => parseApiCall('startBatch', { inputDir: '/a', outputDir: '/b', options: { sensitivity: 2 } })).toThrow(/sensitivity/);
    expect(() => parseApiCall('startTraining', { baseModelId: null, dataDir: '/d', preset: 'fast' })).toThrow(/preset/);
    expect(() => parseApiCall('startTraining', { baseModelId: null, dataDir: '/d', preset: 'quick', advanced: { steps: 0 } })).toThrow(/steps/);
    expect(() => parseApiCall('getTrainingSample', { file: '../../etc/passwd' })).not.toThrow(); // the service refuses it (below)
  });
});

describe('folders and batch restoration', () => {
  it('inspects a folder: count, thumbnails, warnings; refuses missing folders', async () => {
    const folder = join(dir, 'small');
    await mkdir(folder);
    for (let i = 0; i < 3; i++) await writeFile(join(folder, `s${i}.jpg`), await scanJpeg(i + 1, 120, 90));
    await writeFile(join(folder, 'notes.txt'), 'x');
    const info = await service.inspectFolder({ path: folder, purpose: 'training' });
    expect(info).toMatchObject({ path: folder, imageCount: 3, ignoredCount: 1 });
    expect(info.thumbnails).toHaveLength(3);
    expect((await sharp(info.thumbnails[0].bytes).metadata()).width).toBe(96);
    expect(info.warnings.join(' ')).toMatch(/at least 4/);
    const batchInfo = await service.inspectFolder({ path: folder, purpose: 'batch' });
    expect(batchInfo.warnings).toEqual([]);
    await expectApiError(service.inspectFolder({ path: join(dir, 'missing') }), 'FOLDER_NOT_FOUND');
  });

  it('runs a batch with progress, records it, serves its report, and refuses bad folders', async () => {
    const input = await scansWithABadFile('scans', [1, 2], 160, 120);
    const output = join(dir, 'restored');
    const before = await hashTree(input);

    await expectApiError(service.startBatch({ inputDir: input, outputDir: join(input, 'out'), options: {} }), 'INVALID_INPUT');
    await expectApiError(service.startBatch({ inputDir: join(dir, 'nope'), outputDir: output, options: {} }), 'FOLDER_NOT_FOUND');
    await writeFile(join(dir, 'a-file'), 'x');
    await expectApiError(service.startBatch({ inputDir: input, outputDir: join(dir, 'a-file'), options: {} }), 'INVALID_INPUT');

    const { jobId } = await service.startBatch({ inputDir: input, outputDir: output, options: { sensitivity: 0.6, suffix: '_r', workers: 1 } });
    const end = await batchDone(jobId);
    expect(end.batch).toMatchObject({ total: 3, done: 2, failed: 1, status: 'done', hasReport: true, jobId: null });
    expect(end.errors.map((e) => e.relPath)).toEqual(['bad.jpg']);
    const progress = events.filter((e) => e.jobId === jobId && e.type === 'batch-progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ total: 3, done: 2, failed: 1 });
    expect(existsSync(join(output, 'a_r.jpg'))).toBe(true);
    expect(existsSync(join(output, 'album', 'b_r.jpg'))).toBe(true);
    expect(await hashTree(input)).toEqual(before);

    const list = await service.listBatches({});
    expect(list[0]).toMatchObject({ id: end.batch.id, inputDir: end.batch.inputDir, done: 2 });
    const report = await service.getBatchReport({ batchId: end.batch.id });
    expect(report.mime).toBe('text/html');
    const html = Buffer.from(report.bytes).toString('utf8');
    expect(html).toMatch(/data:image\/jpeg;base64,/);
    expect(html).not.toMatch(/src="thumbs\//);
    expect(html).not.toMatch(/<script/i);
    expect(report.summary).toEqual({ total: 3, done: 2, failed: 1, skipped: 0 });
    await expectApiError(service.getBatchReport({ batchId: 999 }), 'NOT_FOUND');
    // the Batch tab's before/after grid (issue 15.13): every file, thumbnails for the restored ones
    const results = await service.listBatchResults({ batchId: end.batch.id });
    expect(results.map((r) => r.status).sort()).toEqual(['done', 'done', 'error']);
    for (const r of results.filter((x) => x.status === 'done')) {
      expect(r.before?.mime).toBe('image/jpeg');
      expect(r.after?.bytes.length).toBeGreaterThan(100);
    }
    expect(results.find((r) => r.status === 'error')).toMatchObject({ after: null, error: expect.any(String) });
    await expectApiError(service.listBatchResults({ batchId: 999 }), 'NOT_FOUND');
    await expectApiError(service.openBatchOutput({ batchId: end.batch.id }), 'UNSUPPORTED'); // the desktop main process answers it
    await expectApiError(service.pauseBatch({ jobId: 'nope' }), 'NOT_FOUND');
  });

  it('re-runs one file of a batch at another sensitivity: new output, updated record a resume keeps; bad payloads change nothing', async () => {
    const input = await scansWithABadFile('rerun-scans', [5, 6], 200, 150);
    const output = join(dir, 'rerun-restored');
    const inputBefore = await hashTree(input);
    const { jobId } = await service.startBatch({ inputDir: input, outputDir: output, options: { sensitivity: 0.5, workers: 1 } });
    const end = await batchDone(jobId);
    const batchId = end.batch.id;
    const db = new Database(join(dir, 'lib', 'renovo.db'));
    try {
      const items = (): unknown[] => db.prepare('SELECT * FROM batch_items WHERE batch_id = ? ORDER BY rel_path').all(batchId);
      const sha = async (p: string): Promise<string> => createHash('sha256').update(await readFile(p)).digest('hex');
      const target = join(output, 'album', 'b.jpg');
      const firstSha = await sha(target);

      // refusals: nothing written, nothing recorded
      const outBefore = await hashTree(output);
      const rowsBefore = items();
      await expectApiError(service.rerunBatchFile({ batchId: 999, relPath: 'album/b.jpg', sensitivity: 1 }), 'NOT_FOUND');
      await expectApiError(service.rerunBatchFile({ batchId, relPath: 'album/c.jpg', sensitivity: 1 }), 'NOT_FOUND');
      await expectApiError(service.rerunBatchFile({ batchId, relPath: 'album/../a.jpg', sensitivity: 1 }), 'INVALID_INPUT');
      await expectApiError(service.rerunBatchFile({ batchId, relPath: '/etc/passwd', sensitivity: 1 }), 'INVALID_INPUT');
      await expectApiError(service.rerunBatchFile({ batchId, relPath: 'album/b.jpg', sensitivity: 1.5 }), 'INVALID_INPUT');
      await expectApiError(service.rerunBatchFile({ batchId, relPath: 'album/b.jpg', sensitivity: Number.NaN }), 'INVALID_INPUT');
      await expectApiError(service.rerunBatchFile({ batchId, relPath: 'bad.jpg', sensitivity: 1 }), 'CONFLICT'); // not restored: nothing to re-run
      expect(() => parseApiCall('rerunBatchFile', { batchId, relPath: '../a.jpg', sensitivity: 1 })).toThrow(/\.\./);
      expect(() => parseApiCall('rerunBatchFile', { batchId, relPath: 'a.jpg', sensitivity: -0.1 })).toThrow(/sensitivity/);
      expect(() => parseApiCall('rerunBatchFile', { batchId, relPath: 'a.jpg', sensitivity: 1, extra: 1 })).toThrow(/invalid/);
      expect(parseApiCall('rerunBatchFile', { batchId, relPath: 'album/b.jpg', sensitivity: 1 }).input).toEqual({ batchId, relPath: 'album/b.jpg', sensitivity: 1 });
      expect(await hashTree(output)).toEqual(outBefore);
      expect(items()).toEqual(rowsBefore);

      // the re-run: another output, recorded (size + sha256), thumbnails and item record replaced
      // (at 0 the least is found; on these small scans 1 finds what the batch's 0.5 found)
      const re = await service.rerunBatchFile({ batchId, relPath: 'album/b.jpg', sensitivity: 0 });
      const newSha = await sha(target);
      expect(newSha).not.toBe(firstSha);
      expect(re).toMatchObject({ sensitivity: 0, sha256: newSha, outputSize: (await stat(target)).size });
      expect(re.result).toMatchObject({ relPath: 'album/b.jpg', status: 'done', error: null });
      expect(re.result.after?.bytes.length).toBeGreaterThan(100);
      const row = (items() as Array<{ rel_path: string; status: string; sha256: string; output_size: number }>).find((r) => r.rel_path === 'album/b.jpg')!;
      expect(row).toMatchObject({ status: 'done', sha256: newSha, output_size: re.outputSize });
      const itemId = (row as unknown as { id: number }).id;
      const record = JSON.parse(await readFile(join(output, '_renovo_report', 'items', `${itemId}.json`), 'utf8')) as { sensitivity: number };
      expect(record.sensitivity).toBe(0);
      expect(await hashTree(input)).toEqual(inputBefore);
      const mtime = (await stat(target)).mtimeMs;

      // a resume afterwards (the batch marked unfinished, as after a crash) keeps the re-run output
      db.prepare("UPDATE batch_jobs SET status = 'running', finished_at = NULL WHERE id = ?").run(batchId);
      const again = await service.startBatch({ inputDir: input, outputDir: output, options: { sensitivity: 0.5, workers: 1 } });
      const end2 = await waitFor(again.jobId, ['batch-done', 'failed', 'cancelled']);
      if (end2.type !== 'batch-done') throw new Error(JSON.stringify(end2));
      expect(end2.batch).toMatchObject({ id: batchId, done: 2, failed: 1 });
      expect(await sha(target)).toBe(newSha);
      expect((await stat(target)).mtimeMs).toBe(mtime);
      // and a new batch over the same folders does not clobber it either (recorded output, not overwritten)
      const fresh = await service.startBatch({ inputDir: input, outputDir: output, options: { workers: 1 } });
      const end3 = await waitFor(fresh.jobId, ['batch-done', 'failed', 'cancelled']);
      if (end3.type !== 'batch-done') throw new Error(JSON.stringify(end3));
      expect(end3.batch.id).not.toBe(batchId);
      expect(await sha(target)).toBe(newSha);
    } finally {
      db.close();
    }
  });

  it('pauses, resumes and cancels a batch (cancelJob); the next start resumes it', async () => {
    const input = join(dir, 'scans2');
    const output = join(dir, 'restored2');
    await mkdir(input);
    for (let i = 0; i < 6; i++) await writeFile(join(input, `s${i}.jpg`), await scanJpeg(i + 10, 320, 240));
    const { jobId } = await service.startBatch({ inputDir: input, outputDir: output, options: { workers: 1 } });
    expect(await service.pauseBatch({ jobId })).toEqual({ paused: true });
    await waitFor(jobId, ['batch-progress']);
    expect(events.filter((e) => e.jobId === jobId && e.type === 'batch-progress').some((e) => e.type === 'batch-progress' && e.paused)).toBe(true);
    expect((await service.listBatches({})).find((b) => b.jobId === jobId)?.paused ?? true).toBe(true);
    expect(await service.resumeBatch({ jobId })).toEqual({ resumed: true });
    expect(await service.cancelJob({ jobId })).toEqual({ cancelled: true });
    await waitFor(jobId, ['cancelled', 'batch-done']);
    const again = await service.startBatch({ inputDir: input, outputDir: output, options: { workers: 2 } });
    const end = await waitFor(again.jobId, ['batch-done', 'failed']);
    expect(end).toMatchObject({ type: 'batch-done', batch: { total: 6, done: 6 } });
  });
});

describe('training and fine-tuning jobs', () => {
  it('trains a tiny model, fine-tunes it (lineage), pauses/resumes, and lists runs with losses', async () => {
    const data = join(dir, 'art');
    await mkdir(data);
    for (let i = 0; i < 8; i++) await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 30 * i, g: 60, b: 90 } } }).png().toFile(join(data, `i${i}.png`));
    const tiny = { arch: 'dcgan16' as const, width: 4, nz: 8, batch: 4, steps: 4 };
    await expectApiError(service.startTraining({ baseModelId: 12345, dataDir: data, preset: 'quick' }), 'INVALID_INPUT');
    await expectApiError(service.startTraining({ baseModelId: null, dataDir: join(dir, 'small'), preset: 'quick', advanced: tiny }), 'INVALID_INPUT');

    const t = await service.startTraining({ baseModelId: null, dataDir: data, preset: 'quick', name: 'tiny-base', advanced: tiny });
    expect(t.name).toBe('tiny-base');
    const done = await waitFor(t.jobId, ['training-done', 'failed', 'cancelled']);
    if (done.type !== 'training-done') throw new Error(JSON.stringify(done));
    expect(done.model).toMatchObject({ name: 'tiny-base', version: 1, architecture: 'dcgan16', source: 'trained', parentId: null });
    expect(events.some((e) => e.jobId === t.jobId && e.type === 'training-started')).toBe(true);

    const f = await service.startTraining({ baseModelId: done.model.id, dataDir: data, preset: 'thorough', advanced: { steps: 40, batch: 4 } });
    expect(f.name).toBe('tiny-base-art');
    const first = await waitFor(f.jobId, ['training-progress', 'failed']);
    if (first.type !== 'training-progress') throw new Error(JSON.stringify(first));
    expect(first.totalSteps).toBe(40);
    expect(await service.pauseTraining({ jobId: f.jobId })).toEqual({ paused: true });
    await waitFor(f.jobId, ['training-paused', 'training-done']);
    await service.resumeTraining({ jobId: f.jobId });
    const fdone = await waitFor(f.jobId, ['training-done', 'failed', 'cancelled']);
    if (fdone.type !== 'training-done') throw new Error(JSON.stringify(fdone));
    expect(fdone.model).toMatchObject({ name: 'tiny-base-art', parentId: done.model.id });
    expect(fdone.encoder).toEqual({ adapted: false, note: expect.stringMatching(/^no z-encoder \(the base model has no z-encoder\)/) });
    expect((await service.listModels({})).map((m) => m.name)).toEqual(expect.arrayContaining(['tiny-base', 'tiny-base-art']));

    const progress = events.filter((e) => e.jobId === f.jobId && e.type === 'training-progress');
    const withSample = progress.find((e) => e.type === 'training-progress' && e.sampleFile);
    if (withSample?.type !== 'training-progress' || !withSample.sampleFile) throw new Error('no sample grid in the progress events');
    const png = await service.getTrainingSample({ file: withSample.sampleFile });
    expect((await sharp(png.bytes).metadata()).format).toBe('png');
    await expectApiError(service.getTrainingSample({ file: '../../etc/passwd' }), 'INVALID_INPUT');

    const runs = await service.listTrainingRuns({});
    expect(runs.filter((r) => r.kind === 'finetune').map((r) => r.status)).toEqual(expect.arrayContaining(['done', 'cancelled']));
    const ft = runs.find((r) => r.kind === 'finetune' && r.status === 'done')!;
    expect(ft).toMatchObject({ baseModelId: done.model.id, resultModelId: fdone.model.id, totalSteps: 40, imageCount: 8 });
    expect(ft.losses.length).toBeGreaterThan(0);
  });

  it('cancels a training job with cancelJob', async () => {
    const data = join(dir, 'art');
    const t = await service.startTraining({ baseModelId: null, dataDir: data, preset: 'quick', advanced: { arch: 'dcgan16', width: 4, nz: 8, batch: 4, steps: 100_000 } });
    await waitFor(t.jobId, ['training-progress', 'failed']);
    await expectApiError(service.startTraining({ baseModelId: null, dataDir: data, preset: 'quick', advanced: { arch: 'dcgan16', width: 4, nz: 8, batch: 4, steps: 3 } }), 'CONFLICT');
    expect(await service.cancelJob({ jobId: t.jobId })).toEqual({ cancelled: true });
    await waitFor(t.jobId, ['cancelled']);
  });
});
