// Batch restoration of a folder of scans, built to run unattended for hours:
//  * resumable: the batch and one row per file live in the history database (batch_jobs,
//    batch_items). Starting the same input/output pair again resumes the unfinished batch: done
//    files are not redone, new files are added, nothing is duplicated (UNIQUE(batch, rel_path));
//  * outputs are written atomically (temp file + link), so a kill leaves either a whole output
//    or none. Before each write the output's sha256 is appended (fsync'd) to a journal in the
//    output folder; on resume, an output that exists while its row is still pending is ours iff
//    its hash is in the journal (killed between write and commit) and is then marked done
//    without redoing it. Any other existing output is never overwritten unless `overwrite`, and
//    stale temp files of our own pending outputs are removed;
//  * the input folder is never written: folders that contain each other are refused, every write
//    protects its input path, and nothing but reads happen under the input;
//  * each done file records its output's size and sha256; on resume an output that no longer
//    matches (truncated, changed, deleted after the fact) is made again;
//  * per-file errors (unreadable, truncated, not an image…) are recorded on the row and skipped;
//  * cancel (AbortSignal) stops promptly and leaves the batch resumable; pause holds new files;
//  * at the end: an HTML contact sheet (before / after / damage overlay) and a JSON report.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../image/files';
import type { Store } from '../store';
import type { BatchItemRow } from '../store/types';
import { RestoreError } from './errors';
import { findRestoreWorker, inProcessExecutor, threadExecutor, type FileExecutor } from './executor';
import type { FileResult } from './file';
import type { RestoreOptions, RestoreStats, WideModelRef } from './pipeline';
import { writeReport, REPORT_DIR, type ItemRecord } from './report';
import { checkFolders, outputPathFor, scanFolder } from './scan';

export interface BatchOptions {
  /** damage detection sensitivity 0..1 (default 0.5) */
  sensitivity?: number;
  /** light denoise strength 0..1 (default 0) */
  denoise?: number;
  detectTears?: boolean;
  /** levels + colour cast (default true) */
  tone?: boolean;
  /** replace existing outputs (default false: existing outputs are skipped) */
  overwrite?: boolean;
  /** appended to each output's name before the extension, e.g. "_restored" */
  suffix?: string;
  /** output quality for lossy formats */
  quality?: number;
  maxPixels?: number;
  /** an imported inpainting model for wide damage (tears) instead of PatchMatch; kept for resumes */
  wideModel?: WideModelRef;
  /** damage detector: 'learned' (models/damage-unet joined with the classical detector; falls back
   *  to the classical one with a warning in the report when the model is missing or corrupt) or
   *  'classical'. A new batch stores DEFAULT_DETECTOR when none is asked for; a stored batch
   *  without one dates from before the learned detector and keeps the classical one. */
  detector?: 'classical' | 'learned';
}

export interface BatchProgress {
  batchId: number;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  /** (finished files + the fractions of files in progress) / total, earlier runs included */
  fraction: number;
  running: string[];
  /** the files in progress with their own progress (0..1) and stage */
  current: Array<{ relPath: string; fraction: number; message: string }>;
  elapsedMs: number;
  /** null until a file has finished in this run */
  etaMs: number | null;
  imagesPerMinute: number | null;
}

export interface BatchItemEvent {
  relPath: string;
  status: 'done' | 'error' | 'skipped';
  error?: string;
  outputPath: string;
  durationMs?: number;
  /** true when the output had been written by an earlier, interrupted run */
  recovered?: boolean;
}

/** Pause/resume for a running batch: files already started finish, no new file starts. */
export class BatchPause {
  private waiters: Array<() => void> = [];
  private isPaused = false;
  get paused(): boolean {
    return this.isPaused;
  }
  pause(): void {
    this.isPaused = true;
  }
  resume(): void {
    this.isPaused = false;
    for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves when not paused (or when the signal fires). */
  async wait(signal?: AbortSignal): Promise<void> {
    while (this.isPaused && !signal?.aborted) {
      await new Promise<void>((r) => {
        this.waiters.push(r);
        signal?.addEventListener('abort', () => r(), { once: true });
      });
    }
  }
}

/** How a batch runs: files at once, cancellation, pause, and what it reports as it goes. */
export interface BatchRunControls {
  /** files processed at once (default min(2, cores)) */
  workers?: number;
  signal?: AbortSignal;
  pause?: BatchPause;
  onProgress?: (p: BatchProgress) => void;
  /** each file as it finishes (done, failed or skipped) */
  onItem?: (e: BatchItemEvent) => void;
}

export interface RunBatchParams extends BatchRunControls {
  inputDir: string;
  outputDir: string;
  options?: BatchOptions;
  store: Store;
  /** a FileExecutor to use instead of the default (worker threads when a bundled worker exists) */
  executor?: FileExecutor;
  /** path of the bundled worker.ts; default: findRestoreWorker(); none → in-process */
  workerScript?: string;
}

export interface BatchSummary {
  batchId: number;
  resumed: boolean;
  status: 'done' | 'cancelled';
  inputDir: string;
  outputDir: string;
  options: BatchOptions;
  executor: FileExecutor['kind'];
  workers: number;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  /** files processed in this run (not counting earlier runs) */
  processedThisRun: number;
  /** outputs found complete from an interrupted run and marked done without redoing them */
  recovered: number;
  durationMs: number;
  imagesPerMinute: number | null;
  errors: Array<{ relPath: string; error: string }>;
  /** files in the input that were not processed and why (not images, links…) */
  ignored: Array<{ relPath: string; reason: string }>;
  report: { html: string; json: string } | null;
}

export const JOURNAL_NAME = '.renovo-batch-journal.jsonl';

/** The detector a new batch runs when none is asked for (BENCHMARKS.md, issue 13, session 12). */
export const DEFAULT_DETECTOR: 'classical' | 'learned' = 'learned';

/** What restorePhoto gets for each file of a batch with these (stored) options. */
export function restoreOptions(o: BatchOptions): RestoreOptions {
  return { sensitivity: o.sensitivity, denoise: o.denoise, detectTears: o.detectTears, tone: o.tone, ...(o.wideModel ? { wideModel: o.wideModel } : {}), detector: o.detector ?? 'classical' };
}

function validateOptions(o: BatchOptions): BatchOptions {
  const num = (v: unknown, name: string, lo: number, hi: number): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) throw new RestoreError('BAD_OPTIONS', `${name} must be a number from ${lo} to ${hi}`);
    return v;
  };
  const out: BatchOptions = {
    sensitivity: num(o.sensitivity, 'sensitivity', 0, 1),
    denoise: num(o.denoise, 'denoise', 0, 1),
    detectTears: o.detectTears === undefined ? undefined : !!o.detectTears,
    tone: o.tone === undefined ? undefined : !!o.tone,
    overwrite: !!o.overwrite,
    suffix: o.suffix ?? '',
    quality: num(o.quality, 'quality', 1, 100),
    maxPixels: num(o.maxPixels, 'maxPixels', 1, Number.MAX_SAFE_INTEGER),
    wideModel: o.wideModel,
    detector: o.detector,
  };
  if (o.detector !== undefined && o.detector !== 'classical' && o.detector !== 'learned') {
    throw new RestoreError('BAD_OPTIONS', `detector must be 'classical' or 'learned', got ${JSON.stringify(o.detector)}`);
  }
  const m = o.wideModel;
  if (m !== undefined && (typeof m !== 'object' || typeof m.sha256 !== 'string' || typeof m.file !== 'string' || typeof m.signature !== 'object')) {
    throw new RestoreError('BAD_OPTIONS', 'wideModel must be an imported inpainting model (sha256, file, signature)');
  }
  if (/[\\/\0]/.test(out.suffix ?? '')) throw new RestoreError('BAD_OPTIONS', `suffix "${out.suffix}" must not contain path separators`);
  // drop undefined so the stored JSON is tidy
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as BatchOptions;
}

async function sha256File(path: string): Promise<string | null> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return null;
  }
}

/** Whether the file at `path` is still the output recorded (same size, then same sha256). */
async function matchesRecord(path: string, rec: { sha256: string | null; outputSize: number | null }): Promise<boolean> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) return false;
    size = st.size;
  } catch {
    return false;
  }
  if (rec.outputSize !== null && rec.outputSize !== size) return false;
  return rec.sha256 === null || (await sha256File(path)) === rec.sha256;
}

async function exists(path: string): Promise<boolean> {
  try {
    await open(path, 'r').then((h) => h.close());
    return true;
  } catch {
    return false;
  }
}

/** Hashes batch `batchId` wrote (or was about to write) per output path. */
async function readJournal(path: string, batchId: number): Promise<Map<string, Set<string>>> {
  const map = new Map<string, Set<string>>();
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return map;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as { batch?: unknown; out?: unknown; sha?: unknown };
      if (e.batch === batchId && typeof e.out === 'string' && typeof e.sha === 'string') {
        if (!map.has(e.out)) map.set(e.out, new Set());
        map.get(e.out)!.add(e.sha);
      }
    } catch {
      /* a line cut by a kill: ignore */
    }
  }
  return map;
}

/** Appends (fsync'd) an output's hash to the batch journal, before the output itself is renamed into place. */
export async function appendJournal(path: string, entry: { batch: number; out: string; sha: string }): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await fh.appendFile(JSON.stringify(entry) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Removes temp files writeFileAtomic may have left for `target` (".<name>.<12 hex>.tmp"). */
async function removeStaleTemps(target: string): Promise<void> {
  const dir = dirname(target);
  const name = basename(target);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const re = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{12}\\.tmp$`);
  for (const n of names) if (re.test(n)) await unlink(join(dir, n)).catch(() => undefined);
}

/** Removes every temp file writeFileAtomic may have left in `dir` (the batch is its only writer). */
async function removeAllTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch((): string[] => []);
  for (const n of names) if (/^\..+\.[0-9a-f]{12}\.tmp$/.test(n)) await unlink(join(dir, n)).catch(() => undefined);
}

/** Report side files (thumbnails, item records): atomic, replacing an older one. */
function writeReportFile(path: string, bytes: Uint8Array): Promise<void> {
  return writeFileAtomic(path, bytes, { overwrite: true });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return !!signal?.aborted || (e instanceof Error && e.name === 'AbortError');
}

/** Runs (or resumes) a batch; resolves with the summary, also when cancelled. */
export async function runBatch(params: RunBatchParams): Promise<BatchSummary> {
  const started = Date.now();
  const { store, signal } = params;
  const { inputDir, outputDir } = await checkFolders(params.inputDir, params.outputDir);
  const scan = await scanFolder(inputDir, { signal });
  await mkdir(outputDir, { recursive: true });

  let job = store.batches.findUnfinished(inputDir, outputDir);
  const resumed = !!job;
  // a resumed batch keeps the options it was started with (its outputs must stay consistent)
  const options = job ? validateOptions(job.options as BatchOptions) : validateOptions({ ...params.options, detector: params.options?.detector ?? DEFAULT_DETECTOR });
  if (!job) job = store.batches.create({ inputDir, outputDir, options: { ...options } });
  const batchId = job.id;
  store.batches.addItems(
    batchId,
    scan.files.map((f) => ({ relPath: f.relPath, inputPath: f.absPath, outputPath: outputPathFor(outputDir, f.relPath, options.suffix ?? '') })),
  );

  const journalPath = join(outputDir, JOURNAL_NAME);
  const journal = await readJournal(journalPath, batchId);
  const reportDir = join(outputDir, REPORT_DIR);
  await mkdir(join(reportDir, 'thumbs'), { recursive: true });
  await mkdir(join(reportDir, 'items'), { recursive: true });
  // a kill during an atomic report write leaves its temp file: clear them once, here
  for (const sub of ['thumbs', 'items']) await removeAllTemps(join(reportDir, sub));

  const events: BatchItemEvent[] = [];
  const emit = (e: BatchItemEvent): void => {
    events.push(e);
    params.onItem?.(e);
  };
  let recovered = 0;

  // Outputs this batch wrote that were since truncated, changed or deleted are made again (and
  // may replace what is there now: the file at that path was ours).
  const ours = new Set<number>();
  for (const item of store.batches.items(batchId, 'done')) {
    if (await matchesRecord(item.outputPath, item)) continue;
    store.batches.resetItem(item.id);
    ours.add(item.id);
  }

  // settle pending rows whose output already exists
  for (const item of store.batches.items(batchId, 'pending')) {
    await removeStaleTemps(item.outputPath);
    if (ours.has(item.id) || !(await exists(item.outputPath))) continue;
    const sha = await sha256File(item.outputPath);
    const earlier = store.batches.recordedOutput(item.outputPath);
    if (sha && journal.get(item.outputPath)?.has(sha)) {
      store.batches.markItem(item.id, { status: 'done', sha256: sha, outputSize: (await stat(item.outputPath)).size });
      recovered++;
      emit({ relPath: item.relPath, status: 'done', outputPath: item.outputPath, recovered: true });
    } else if (earlier && !(await matchesRecord(item.outputPath, earlier))) {
      ours.add(item.id); // an earlier batch's output, damaged since: redo it
    } else if (!options.overwrite) {
      const error = 'output already exists (not overwritten; use overwrite to replace it)';
      store.batches.markItem(item.id, { status: 'skipped', error });
      emit({ relPath: item.relPath, status: 'skipped', error, outputPath: item.outputPath });
    }
  }

  const pending = store.batches.items(batchId, 'pending');
  const total = store.batches.items(batchId).length;
  const count = (s: 'done' | 'error' | 'skipped'): number => store.batches.items(batchId, s).length;
  let done = count('done'), failed = count('error'), skipped = count('skipped');

  const wanted = Math.max(1, Math.floor(params.workers ?? Math.min(2, availableParallelism())));
  let executor = params.executor;
  let ownExecutor = false;
  if (!executor) {
    const script = params.workerScript ?? findRestoreWorker();
    executor = script && wanted > 1 ? threadExecutor(script, wanted) : inProcessExecutor(script ? 1 : wanted);
    ownExecutor = true;
  }
  const running = new Set<string>();
  const current = new Map<string, { fraction: number; message: string }>();
  let processedThisRun = 0;
  let lastTick = 0;
  const progress = (tick = false): void => {
    // per-file ticks are throttled; file starts and ends always report
    const now = Date.now();
    if (tick && now - lastTick < 100) return;
    lastTick = now;
    const elapsedMs = now - started;
    const finished = done + failed + skipped;
    let partial = 0;
    for (const c of current.values()) partial += c.fraction;
    const rate = processedThisRun > 0 ? processedThisRun / elapsedMs : null;
    params.onProgress?.({
      batchId,
      total,
      done,
      failed,
      skipped,
      fraction: total > 0 ? Math.min(1, (finished + partial) / total) : 1,
      running: [...running],
      current: [...current].map(([relPath, c]) => ({ relPath, ...c })),
      elapsedMs,
      etaMs: rate ? Math.round((total - finished) / rate) : null,
      imagesPerMinute: rate ? rate * 60_000 : null,
    });
  };
  progress();

  const records = new Map<number, ItemRecord>();
  const writeItem = async (item: BatchItemRow, r: FileResult, durationMs: number): Promise<void> => {
    // journal first: if we die after the link, resume recognises the file as ours
    await appendJournal(journalPath, { batch: batchId, out: item.outputPath, sha: r.sha256 });
    await mkdir(dirname(item.outputPath), { recursive: true });
    await writeFileAtomic(item.outputPath, r.bytes, { overwrite: !!options.overwrite || ours.has(item.id), protect: [item.inputPath] });
    // The output is written: what follows only feeds the report, so its failure (disk full…)
    // must not turn a restored file into a failed one.
    let thumbs = !!r.thumbs;
    if (r.thumbs) {
      try {
        await writeReportFile(join(reportDir, 'thumbs', `${item.id}-before.jpg`), r.thumbs.before);
        await writeReportFile(join(reportDir, 'thumbs', `${item.id}-after.jpg`), r.thumbs.after);
        await writeReportFile(join(reportDir, 'thumbs', `${item.id}-mask.jpg`), r.thumbs.mask);
      } catch {
        thumbs = false;
      }
    }
    const rec: ItemRecord = { width: r.width, height: r.height, format: r.format, durationMs, stats: r.stats, thumbs };
    records.set(item.id, rec);
    await writeReportFile(join(reportDir, 'items', `${item.id}.json`), Buffer.from(JSON.stringify(rec))).catch(() => undefined);
  };

  let next = 0;
  const pause = params.pause;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (pause) await pause.wait(signal);
      if (signal?.aborted) return;
      const item = pending[next++];
      if (!item) return;
      running.add(item.relPath);
      current.set(item.relPath, { fraction: 0, message: 'starting' });
      progress();
      const t0 = Date.now();
      let counted = true;
      try {
        const r = await executor!.run(
          { inputPath: item.inputPath, outputPath: item.outputPath, options: restoreOptions(options), quality: options.quality, maxPixels: options.maxPixels },
          {
            signal,
            onProgress: (f, msg) => {
              current.set(item.relPath, { fraction: Math.min(1, Math.max(0, f)), message: msg ?? '' });
              progress(true);
            },
          },
        );
        if (signal?.aborted) {
          counted = false;
          return;
        }
        const durationMs = Date.now() - t0;
        try {
          await writeItem(item, r, durationMs);
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'WRITE_REFUSED' && (await exists(item.outputPath)) && !options.overwrite) {
            const error = 'output already exists (not overwritten; use overwrite to replace it)';
            store.batches.markItem(item.id, { status: 'skipped', error, durationMs });
            skipped++;
            emit({ relPath: item.relPath, status: 'skipped', error, outputPath: item.outputPath, durationMs });
            continue;
          }
          throw e;
        }
        store.batches.markItem(item.id, { status: 'done', sha256: r.sha256, outputSize: r.bytes.byteLength, durationMs });
        done++;
        emit({ relPath: item.relPath, status: 'done', outputPath: item.outputPath, durationMs });
      } catch (e) {
        if (isAbort(e, signal)) {
          counted = false;
          return;
        }
        const error = message(e);
        store.batches.markItem(item.id, { status: 'error', error, durationMs: Date.now() - t0 });
        failed++;
        emit({ relPath: item.relPath, status: 'error', error, outputPath: item.outputPath });
      } finally {
        running.delete(item.relPath);
        current.delete(item.relPath);
        if (counted) processedThisRun++;
        progress();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: executor.concurrency }, () => lane()));
  } finally {
    if (ownExecutor) await executor.close();
  }

  const cancelled = !!signal?.aborted && store.batches.items(batchId, 'pending').length > 0;
  let report: BatchSummary['report'] = null;
  const summary: BatchSummary = {
    batchId,
    resumed,
    status: cancelled ? 'cancelled' : 'done',
    inputDir,
    outputDir,
    options,
    executor: executor.kind,
    workers: executor.concurrency,
    total,
    done,
    failed,
    skipped,
    processedThisRun,
    recovered,
    durationMs: Date.now() - started,
    imagesPerMinute: processedThisRun > 0 ? (processedThisRun * 60_000) / (Date.now() - started) : null,
    errors: store.batches.items(batchId, 'error').map((i) => ({ relPath: i.relPath, error: i.error ?? 'error' })),
    ignored: scan.ignored,
    report,
  };
  if (!cancelled) {
    store.batches.finish(batchId, 'done');
    report = await writeReport(summary, store.batches.items(batchId), reportDir, records);
    summary.report = report;
  }
  return summary;
}

export type { RestoreStats };
