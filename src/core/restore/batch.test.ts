import { readFile, stat, writeFile, mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBatch, BatchPause, DEFAULT_DETECTOR, restoreOptions, type BatchItemEvent } from './batch';
import { REPORT_DIR } from './report';
import { checkFolders, outputPathFor, scanFolder } from './scan';
import { RestoreError } from './errors';
import { batchDirs, hashTree, makeScanFolder, type BatchDirs } from '../../../test/fixtures/restore';
import { FIXTURE_COPYRIGHT, jpegWithMetadata, rotatedJpeg } from '../../../test/fixtures/images';

let t: BatchDirs;

beforeEach(async () => {
  t = await batchDirs('renovo-batch-');
});

afterEach(() => t.remove());

async function outputs(dir: string): Promise<string[]> {
  const all = Object.keys(await hashTree(dir)).map((p) => p.split('\\').join('/'));
  return all.filter((p) => !p.startsWith(REPORT_DIR + '/') && !p.startsWith('.renovo-batch')).sort();
}

describe('scan', () => {
  it('walks recursively, keeps image types, ignores system/hidden files and links', async () => {
    const good = await makeScanFolder(t.inDir, { good: 4, bad: true, system: true });
    await symlink(join(t.inDir, good[0]), join(t.inDir, 'link.jpg'));
    const s = await scanFolder(t.inDir);
    const rels = s.files.map((f) => f.relPath);
    expect(rels).toEqual([...good, 'album/truncated.jpg', 'not-a-photo.png', 'zero.jpg'].sort());
    expect(rels.some((r) => /Thumbs|DS_Store|\._|notes/.test(r))).toBe(false);
    expect(s.ignored.map((i) => i.relPath)).toEqual(expect.arrayContaining(['notes.txt', 'link.jpg']));
  });

  it('maps outputs with a suffix and refuses nested or identical folders', async () => {
    expect(outputPathFor('/out', 'a/b/photo.JPG', '_restored')).toBe(join('/out', 'a', 'b', 'photo_restored.JPG'));
    expect(() => outputPathFor('/out', 'x.jpg', '../evil')).toThrow(RestoreError);
    await expect(checkFolders(t.inDir, t.inDir)).rejects.toMatchObject({ code: 'BAD_FOLDERS' });
    await expect(checkFolders(t.inDir, join(t.inDir, 'out'))).rejects.toMatchObject({ code: 'BAD_FOLDERS' });
    await expect(checkFolders(join(t.root, 'restored', 'in'), t.outDir)).rejects.toMatchObject({ code: 'BAD_FOLDERS' });
    await expect(checkFolders(t.inDir, t.outDir)).resolves.toBeTruthy();
    await expect(checkFolders(t.inDir, join(t.inDir, '..restored'))).rejects.toMatchObject({ code: 'BAD_FOLDERS' });
    await expect(checkFolders(t.inDir, join(t.root, '..scans'))).resolves.toBeTruthy();
  });
});

describe('runBatch', () => {
  it('restores a folder, mirrors it, records bad files and skips them, keeps EXIF, never touches the input', async () => {
    const good = await makeScanFolder(t.inDir, { good: 4, bad: true, system: true });
    const before = await hashTree(t.inDir);
    const events: BatchItemEvent[] = [];
    let lastFraction = 0;
    let sawCurrent = false;
    const summary = await runBatch({
      inputDir: t.inDir,
      outputDir: t.outDir,
      options: { sensitivity: 0.5, suffix: '_r' },
      store: t.store,
      workers: 2,
      workerScript: '', // in-process
      onItem: (e) => events.push(e),
      onProgress: (p) => {
        expect(p.fraction).toBeGreaterThanOrEqual(lastFraction);
        lastFraction = p.fraction;
        if (p.current.length) sawCurrent = true;
      },
    });
    expect(summary.status).toBe('done');
    expect(summary.total).toBe(7);
    expect(summary.done).toBe(4);
    expect(summary.failed).toBe(3);
    expect(lastFraction).toBe(1);
    expect(sawCurrent).toBe(true);
    expect(summary.errors.map((e) => e.relPath).sort()).toEqual(['album/truncated.jpg', 'not-a-photo.png', 'zero.jpg']);
    const byPath = Object.fromEntries(summary.errors.map((e) => [e.relPath, e.error]));
    expect(byPath['zero.jpg']).toMatch(/empty/);
    expect(byPath['album/truncated.jpg']).toMatch(/truncated/);
    expect(byPath['not-a-photo.png']).toMatch(/not an image/);
    expect(await outputs(t.outDir)).toEqual(good.map((r) => r.replace(/\.(jpg|png)$/, '_r.$1')).sort());
    // EXIF carried over (first scan was written with EXIF)
    const meta = await sharp(await readFile(join(t.outDir, good.find((g) => g === 'scan 00.jpg')!.replace('.jpg', '_r.jpg')))).metadata();
    expect(meta.exif?.toString('latin1')).toContain('Renovo batch test');
    // report
    const report = JSON.parse(await readFile(summary.report!.json, 'utf8')) as { items: Array<{ status: string; thumbs: unknown }> };
    expect(report.items).toHaveLength(7);
    expect(report.items.filter((i) => i.status === 'done' && i.thumbs)).toHaveLength(4);
    const html = await readFile(summary.report!.html, 'utf8');
    expect(html).toContain('thumbs/');
    expect(html).toContain('truncated');
    // database
    const job = t.store.batches.get(summary.batchId)!;
    expect(job.status).toBe('done');
    expect(t.store.batches.items(summary.batchId, 'done').every((i) => /^[0-9a-f]{64}$/.test(i.sha256 ?? ''))).toBe(true);
    expect(await hashTree(t.inDir)).toEqual(before);
    expect(events.filter((e) => e.status === 'done')).toHaveLength(4);
  });

  it('detector option: validated, stored with the batch and passed to each file', async () => {
    await makeScanFolder(t.inDir, { good: 1 });
    await expect(runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '', options: { detector: 'neural' as never } })).rejects.toMatchObject({ code: 'BAD_OPTIONS' });
    const s = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '', options: { detector: 'learned' } });
    expect(s.done).toBe(1);
    expect(s.options.detector).toBe('learned');
    expect(t.store.batches.get(s.batchId)?.options).toMatchObject({ detector: 'learned' });
    expect(await readFile(join(t.outDir, REPORT_DIR, 'report.json'), 'utf8')).toMatch(/"detector":\s*"learned"/);
  });

  it('learned detector with a missing or corrupt model: the batch completes with the classical detector and the report says why', async () => {
    await makeScanFolder(t.inDir, { good: 2 });
    const saved = process.env.RENOVO_MODELS_DIR;
    try {
      // missing: the models folder has no damage-unet/
      process.env.RENOVO_MODELS_DIR = join(t.root, 'no-models');
      const s = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '', options: { detector: 'learned' } });
      expect(s.status).toBe('done');
      expect(s.done).toBe(2);
      expect(s.failed).toBe(0);
      const json = JSON.parse(await readFile(join(t.outDir, REPORT_DIR, 'report.json'), 'utf8'));
      expect(json.detector).toMatchObject({ requested: 'learned', used: { classical: 2, learned: 0 } });
      expect(json.detector.warnings).toHaveLength(1);
      expect(json.detector.warnings[0]).toMatch(/learned damage detector unavailable, used the classical detector: damage detector model not found \(.*no-models.*manifest\.json is missing\)/);
      for (const item of json.items) {
        expect(item.detector).toBe('classical');
        expect(item.warnings.join(' ')).toMatch(/model not found/);
      }
      const html = await readFile(join(t.outDir, REPORT_DIR, 'index.html'), 'utf8');
      expect(html).toMatch(/Damage detector: learned — ran: classical on 2 files/);
      expect(html).toMatch(/class="msg warn">warning: learned damage detector unavailable, used the classical detector: damage detector model not found/);

      // corrupt: a manifest whose weights are not a safetensors file (another folder: load failures are remembered per folder)
      const models = join(t.root, 'bad-models');
      await mkdir(join(models, 'damage-unet'), { recursive: true });
      await writeFile(join(models, 'damage-unet', 'manifest.json'), JSON.stringify({ architecture: { spec: { arch: 'unet-seg', inC: 1, widths: [4, 8] } }, files: {} }));
      await writeFile(join(models, 'damage-unet', 'weights.safetensors'), 'not a safetensors file');
      process.env.RENOVO_MODELS_DIR = models;
      const out2 = join(t.root, 'restored-2');
      const s2 = await runBatch({ inputDir: t.inDir, outputDir: out2, store: t.store, workers: 1, workerScript: '', options: { detector: 'learned' } });
      expect(s2.done).toBe(2);
      const json2 = JSON.parse(await readFile(join(out2, REPORT_DIR, 'report.json'), 'utf8'));
      expect(json2.detector).toMatchObject({ requested: 'learned', used: { classical: 2, learned: 0 } });
      expect(json2.detector.warnings).toHaveLength(1);
      expect(json2.detector.warnings[0]).toMatch(/^learned damage detector unavailable, used the classical detector: damage detector model: .*bad-models.*weights\.safetensors is corrupt/);
      expect(await readFile(join(out2, REPORT_DIR, 'index.html'), 'utf8')).toMatch(/class="msg warn">warning: learned damage detector unavailable/);
    } finally {
      if (saved === undefined) delete process.env.RENOVO_MODELS_DIR;
      else process.env.RENOVO_MODELS_DIR = saved;
    }
  });

  it('a new batch runs the learned detector unless asked otherwise; a stored batch from before the choice keeps the classical one', async () => {
    await makeScanFolder(t.inDir, { good: 1 });
    const s = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s.options.detector).toBe(DEFAULT_DETECTOR);
    expect(DEFAULT_DETECTOR).toBe('learned');
    expect(t.store.batches.get(s.batchId)?.options).toMatchObject({ detector: 'learned' });
    expect(restoreOptions({ sensitivity: 0.5 }).detector).toBe('classical');
    expect(restoreOptions({ detector: 'learned' }).detector).toBe('learned');
  });

  it('a classical batch reports its detector and no detector warning', async () => {
    await makeScanFolder(t.inDir, { good: 1 });
    const s = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '', options: { detector: 'classical' } });
    expect(s.done).toBe(1);
    const json = JSON.parse(await readFile(join(t.outDir, REPORT_DIR, 'report.json'), 'utf8'));
    expect(json.detector).toEqual({ requested: 'classical', used: { classical: 1, learned: 0 }, warnings: [] });
    const html = await readFile(join(t.outDir, REPORT_DIR, 'index.html'), 'utf8');
    expect(html).toMatch(/Damage detector: classical — ran: classical on 1 file</);
    expect(html).not.toMatch(/Tears and wide damage/); // not looked for
  });

  it('a batch that repairs tears names the engine that filled them in its report', async () => {
    await makeScanFolder(t.inDir, { good: 1 });
    const s = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '', options: { detectTears: true } });
    expect(s.done).toBe(1);
    expect(await readFile(join(t.outDir, REPORT_DIR, 'index.html'), 'utf8')).toMatch(/<p class="wide">Tears and wide damage filled by: PatchMatch \(built-in\)<\/p>/);
  });

  it('never overwrites an existing output unless asked', async () => {
    await makeScanFolder(t.inDir, { good: 2 });
    await mkdir(t.outDir, { recursive: true });
    const mine = join(t.outDir, 'scan 00.jpg');
    await writeFile(mine, 'my own file');
    const s1 = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s1.skipped).toBe(1);
    expect(s1.done).toBe(1);
    expect(await readFile(mine, 'utf8')).toBe('my own file');
    const s2 = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '', options: { overwrite: true } });
    expect(s2.resumed).toBe(false);
    expect(s2.done).toBe(2);
    expect((await readFile(mine)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('resume: an output written just before a crash is recognised (journal) and not redone; a foreign file is left alone', async () => {
    await makeScanFolder(t.inDir, { good: 3 });
    const s1 = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s1.done).toBe(3);
    // simulate: killed after writing outputs 0 and 1 but before their rows were committed, and
    // someone else put a file at output 2's path meanwhile
    const items = t.store.batches.items(s1.batchId);
    t.store.db.prepare("UPDATE batch_jobs SET status = 'running', finished_at = NULL WHERE id = ?").run(s1.batchId);
    t.store.db.prepare("UPDATE batch_items SET status = 'pending', sha256 = NULL WHERE batch_id = ?").run(s1.batchId);
    const st0 = await stat(items[0].outputPath);
    await writeFile(items[2].outputPath, 'not ours');
    await writeFile(join(t.outDir, `.${'scan 00.jpg'}.0123456789ab.tmp`), 'half a file');
    const s2 = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s2.resumed).toBe(true);
    expect(s2.batchId).toBe(s1.batchId);
    expect(s2.recovered).toBe(2);
    expect(s2.processedThisRun).toBe(0);
    expect(s2.skipped).toBe(1);
    expect(await readFile(items[2].outputPath, 'utf8')).toBe('not ours');
    const st1 = await stat(items[0].outputPath);
    expect(st1.mtimeMs).toBe(st0.mtimeMs);
    expect(st1.ino).toBe(st0.ino);
    expect((await readdir(t.outDir)).some((n) => n.endsWith('.tmp'))).toBe(false);
    expect(t.store.batches.items(s1.batchId)).toHaveLength(3);
  });

  it('cancel leaves the batch resumable; pause holds new files', async () => {
    await makeScanFolder(t.inDir, { good: 4 });
    const ac = new AbortController();
    const pause = new BatchPause();
    let doneCount = 0;
    const s1 = await runBatch({
      inputDir: t.inDir,
      outputDir: t.outDir,
      store: t.store,
      workers: 1,
      workerScript: '',
      signal: ac.signal,
      pause,
      onItem: (e) => {
        if (e.status === 'done' && ++doneCount === 1) {
          pause.pause();
          setTimeout(() => ac.abort(), 50);
        }
      },
    });
    expect(s1.status).toBe('cancelled');
    expect(s1.done).toBe(1);
    expect(t.store.batches.get(s1.batchId)!.status).toBe('running');
    const s2 = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 2, workerScript: '' });
    expect(s2.resumed).toBe(true);
    expect(s2.processedThisRun).toBe(3);
    expect(s2.done).toBe(4);
    expect(await outputs(t.outDir)).toHaveLength(4);
  });

  it('keeps ICC profile, EXIF and XMP, and writes EXIF-rotated scans upright', async () => {
    await writeFile(join(t.inDir, 'p3.jpg'), await jpegWithMetadata(192, 128));
    await writeFile(join(t.inDir, 'rotated.jpg'), await rotatedJpeg(192, 128));
    const s = await runBatch({ inputDir: t.inDir, outputDir: t.outDir, store: t.store, workers: 1, workerScript: '' });
    expect(s.done).toBe(2);
    const p3 = await sharp(await readFile(join(t.outDir, 'p3.jpg'))).metadata();
    expect(p3.icc?.length ?? 0).toBeGreaterThan(0);
    expect(p3.exif?.toString('latin1')).toContain(FIXTURE_COPYRIGHT);
    expect(p3.xmp?.length ?? 0).toBeGreaterThan(0);
    const rot = await sharp(await readFile(join(t.outDir, 'rotated.jpg'))).metadata();
    expect([rot.width, rot.height]).toEqual([192, 128]);
    expect(rot.orientation ?? 1).toBe(1);
  });
});
