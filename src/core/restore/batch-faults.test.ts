// Batch outputs against a failing disk and outputs damaged after the fact (issue 14.4, 14.7).
import { mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBatch } from './batch';
import { inProcessExecutor, type FileExecutor } from './executor';
import { REPORT_DIR } from './report';
import { batchDirs, makeScanFolder, type BatchDirs } from '../../../test/fixtures/restore';

let t: BatchDirs;

beforeEach(async () => {
  t = await batchDirs('renovo-batch-faults-');
});
afterEach(() => t.remove());

describe('batch outputs', () => {
  it('an output already written is not marked failed when its thumbnails or record cannot be written', async () => {
    await makeScanFolder(t.inDir, { good: 2 });
    const inner = inProcessExecutor(1);
    // After each file is restored, the report's folders stop accepting files (as on a full disk).
    const executor: FileExecutor = {
      kind: 'in-process',
      concurrency: 1,
      run: async (task, opts) => {
        const r = await inner.run(task, opts);
        for (const sub of ['thumbs', 'items']) {
          const d = join(t.outDir, REPORT_DIR, sub);
          await rm(d, { recursive: true, force: true });
          await writeFile(d, 'not a folder');
        }
        return r;
      },
      close: () => inner.close(),
    };
    const s = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, executor });
    expect(s.failed).toBe(0);
    expect(s.done).toBe(2);
    for (const item of t.store.batches.items(s.batchId)) {
      expect(item.status).toBe('done');
      expect((await readFile(item.outputPath)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    }
  });

  it('clears report temp files a killed run left behind (an atomic thumbnail write cut by SIGKILL)', async () => {
    await makeScanFolder(t.inDir, { good: 1 });
    for (const [sub, name] of [['thumbs', '.1-after.jpg.712105e9acc0.tmp'], ['items', '.1.json.0123456789ab.tmp']]) {
      await mkdir(join(t.outDir, REPORT_DIR, sub), { recursive: true });
      await writeFile(join(t.outDir, REPORT_DIR, sub, name), 'partial');
    }
    const s = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s.done).toBe(1);
    for (const sub of ['thumbs', 'items']) expect((await readdir(join(t.outDir, REPORT_DIR, sub))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('records each output size and hash; an output truncated after the fact is redone on resume', async () => {
    await makeScanFolder(t.inDir, { good: 2 });
    const s1 = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s1.done).toBe(2);
    const [a, b] = t.store.batches.items(s1.batchId);
    const good = await readFile(a.outputPath);
    expect(a.outputSize).toBe(good.byteLength);
    // interrupted batch (still running) whose first output was then cut short
    t.store.db.prepare("UPDATE batch_jobs SET status = 'running', finished_at = NULL WHERE id = ?").run(s1.batchId);
    await truncate(a.outputPath, 100);
    const s2 = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s2.resumed).toBe(true);
    expect(s2.processedThisRun).toBe(1);
    expect(s2.skipped).toBe(0);
    expect((await readFile(a.outputPath)).equals(good)).toBe(true);
    expect(t.store.batches.items(s1.batchId).map((i) => i.status)).toEqual(['done', 'done']);

    // a finished batch run again: a damaged output of ours is redone, an intact one is left as is
    await truncate(b.outputPath, 50);
    const s3 = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s3.resumed).toBe(false);
    expect(s3.done).toBe(1);
    expect(s3.skipped).toBe(1);
    expect((await readFile(b.outputPath)).byteLength).toBe(b.outputSize);
  });
});
