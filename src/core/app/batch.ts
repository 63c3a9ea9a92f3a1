// Batch restoration (issue 8) and folder inspection for the RenovoApi service: startBatch /
// pauseBatch / resumeBatch / listBatches / getBatchReport / listBatchResults / rerunBatchFile /
// inspectFolder. restore-folder.ts runs a batch (the same path as `renovo restore`); this file maps
// it to jobs and JobEvents. Files run on worker threads when the bundled restore worker exists
// (dist/worker/restore.cjs), else in this process.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { ApiError, type ApiInput, type ApiOutputs, type BatchDto, type BatchResultDto, type FolderInfo, type JobEvent } from '../../shared/api';
import { writeFileAtomic } from '../image/files';
import {
  BatchPause,
  JOURNAL_NAME,
  appendJournal,
  REPORT_DIR,
  restoreOptions,
  findRestoreWorker,
  inProcessExecutor,
  scanFolder,
  threadExecutor,
  type BatchOptions,
  type BatchProgress,
} from '../restore';
import type { BatchItemRow, BatchJobRow } from '../store/types';
import type { AppContext } from './context';
import { toApiError } from './errors';
import { batchOptions, checkBatchRequest, restoreFolder } from './restore-folder';

/** What a job family needs from the service: the context, the event stream, job registration (cancelJob, close). */
export interface JobHost {
  readonly ctx: AppContext;
  emit(event: JobEvent): void;
  /** Registers a job with cancelJob/close; it is forgotten when `finished` settles. */
  track(jobId: string, controller: AbortController, finished: Promise<void>): void;
}

/** Below this many images a fine-tune folder gets a warning (and under TRAINING_MIN_IMAGES it is refused). */
export const TRAINING_FEW_IMAGES = 20;
export { MIN_TRAINING_IMAGES as TRAINING_MIN_IMAGES } from '../train/session';
import { MIN_TRAINING_IMAGES as TRAINING_MIN_IMAGES } from '../train/session';
const THUMBS = 6;
const THUMB_SIDE = 96;
/** Tiles of the Batch tab's before/after grid. */
const RESULT_THUMB_SIDE = 240;
/** Thumbnails inlined into the report page are capped (a huge batch keeps its text, not its pictures). */
const REPORT_INLINE_MAX = 48 * 2 ** 20;

interface ActiveBatch {
  jobId: string;
  batchId: number | null;
  inputDir: string;
  outputDir: string;
  pause: BatchPause;
  last: BatchProgress | null;
  /** the imported model filling wide damage, as asked at start (a resumed batch's own is in its row) */
  wideModelId: number | null;
}

export async function inspectFolder(input: ApiInput<'inspectFolder'>): Promise<FolderInfo> {
  let scan;
  try {
    scan = await scanFolder(input.path);
  } catch (e) {
    throw toApiError(e);
  }
  const rootUnreadable = scan.ignored.find((i) => i.relPath === '' && /cannot be read/.test(i.reason));
  if (rootUnreadable) throw new ApiError('FOLDER_UNREADABLE', `${input.path}: ${rootUnreadable.reason}`);
  const warnings: string[] = [];
  const count = scan.files.length;
  if (count === 0) warnings.push('No images found (JPEG, PNG, TIFF, WebP or AVIF, searched in subfolders too).');
  else if (input.purpose === 'training') {
    if (count < TRAINING_MIN_IMAGES) warnings.push(`Only ${count} image${count === 1 ? '' : 's'}: fine-tuning needs at least ${TRAINING_MIN_IMAGES}.`);
    else if (count < TRAINING_FEW_IMAGES) warnings.push(`Only ${count} images: the model will mostly memorise them; ${TRAINING_FEW_IMAGES} or more adapt a style better.`);
  }
  const thumbnails: FolderInfo['thumbnails'] = [];
  for (const f of scan.files) {
    if (thumbnails.length >= THUMBS) break;
    try {
      const bytes = await sharp(f.absPath, { failOn: 'error' }).rotate().resize(THUMB_SIDE, THUMB_SIDE, { fit: 'cover' }).jpeg({ quality: 70 }).toBuffer();
      thumbnails.push({ name: f.relPath, mime: 'image/jpeg', bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    } catch {
      warnings.push(`${f.relPath} cannot be read as an image.`);
    }
  }
  return {
    path: input.path,
    imageCount: count,
    totalBytes: scan.files.reduce((s, f) => s + f.size, 0),
    thumbnails,
    warnings,
    ignoredCount: scan.ignored.length,
  };
}

async function resultThumb(path: string): Promise<{ mime: string; bytes: Uint8Array } | null> {
  try {
    const b = await sharp(path, { failOn: 'error' }).rotate().resize(RESULT_THUMB_SIDE, RESULT_THUMB_SIDE, { fit: 'inside' }).jpeg({ quality: 75 }).toBuffer();
    return { mime: 'image/jpeg', bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
  } catch {
    return null; // moved or deleted since: the grid shows a blank tile
  }
}

/** One tile of the Batch tab's before/after grid. */
async function resultTile(item: BatchItemRow): Promise<BatchResultDto> {
  return {
    relPath: item.relPath,
    status: item.status,
    error: item.error,
    before: await resultThumb(item.inputPath),
    after: item.status === 'done' ? await resultThumb(item.outputPath) : null,
  };
}

export class BatchJobs {
  private readonly active = new Map<string, ActiveBatch>();
  /** files being re-run ("batchId\0relPath") */
  private readonly rerunning = new Set<string>();

  constructor(private readonly host: JobHost) {}

  private get store() {
    return this.host.ctx.library.store;
  }

  async start(input: ApiInput<'startBatch'>): Promise<{ jobId: string }> {
    // Bad folders and options are refused before a job id is handed out.
    const { workers, wideModelId, ...rest } = input.options;
    const request = { inputDir: input.inputDir, outputDir: input.outputDir, options: { ...rest, ...(wideModelId !== undefined ? { wideModel: { modelId: wideModelId } } : {}) } };
    const folders = await checkBatchRequest(request);
    for (const a of this.active.values()) {
      if (a.inputDir === folders.inputDir && a.outputDir === folders.outputDir) {
        throw new ApiError('CONFLICT', `A batch over ${input.inputDir} → ${input.outputDir} is already running`);
      }
    }
    const options = batchOptions(this.host.ctx.library, request.options);
    const jobId = randomUUID();
    const controller = new AbortController();
    const state: ActiveBatch = { jobId, batchId: null, inputDir: folders.inputDir, outputDir: folders.outputDir, pause: new BatchPause(), last: null, wideModelId: options.wideModel?.id ?? null };
    this.active.set(jobId, state);
    const finished = (async () => {
      try {
        const summary = await restoreFolder(this.store, folders, options, {
          workers,
          background: true,
          signal: controller.signal,
          pause: state.pause,
          onProgress: (p) => {
            state.batchId = p.batchId;
            state.last = p;
            this.progress(state);
          },
        });
        if (summary.status === 'cancelled') {
          this.host.emit({ jobId, type: 'cancelled' });
          return;
        }
        const row = this.store.batches.get(summary.batchId);
        if (!row) throw new Error(`batch ${summary.batchId} vanished`);
        this.active.delete(jobId);
        this.host.emit({ jobId, type: 'batch-done', batch: this.dto(row), errors: summary.errors });
      } catch (e) {
        if (controller.signal.aborted) this.host.emit({ jobId, type: 'cancelled' });
        else this.host.emit({ jobId, type: 'failed', error: toApiError(e).message });
      } finally {
        this.active.delete(jobId);
      }
    })();
    this.host.track(jobId, controller, finished);
    return { jobId };
  }

  private progress(state: ActiveBatch): void {
    const p = state.last;
    if (!p) return;
    this.host.emit({
      jobId: state.jobId,
      type: 'batch-progress',
      batchId: p.batchId,
      done: p.done,
      total: p.total,
      failed: p.failed,
      skipped: p.skipped,
      fraction: p.fraction,
      currentFile: p.current[0]?.relPath ?? p.running[0] ?? null,
      etaMs: p.etaMs,
      paused: state.pause.paused,
    });
  }

  pause(input: ApiInput<'pauseBatch'>): { paused: boolean } {
    const state = this.active.get(input.jobId);
    if (!state) throw new ApiError('NOT_FOUND', `No running batch job ${input.jobId}`);
    state.pause.pause();
    this.progress(state);
    return { paused: true };
  }

  resume(input: ApiInput<'resumeBatch'>): { resumed: boolean } {
    const state = this.active.get(input.jobId);
    if (!state) throw new ApiError('NOT_FOUND', `No running batch job ${input.jobId}`);
    const was = state.pause.paused;
    state.pause.resume();
    this.progress(state);
    return { resumed: was };
  }

  /**
   * A running batch (or a file being re-run) that fills wide damage with this imported model, as
   * "input → output"; null when none does. Deleting the model then would pull its file from under it.
   */
  usingModel(modelId: number): string | null {
    const storedModel = (batchId: number | null): number | null => {
      const wide = batchId === null ? undefined : (this.store.batches.get(batchId)?.options as BatchOptions | undefined)?.wideModel;
      return wide?.id ?? null;
    };
    for (const a of this.active.values()) {
      if (a.wideModelId === modelId || storedModel(a.batchId) === modelId) return `${a.inputDir} → ${a.outputDir}`;
    }
    for (const key of this.rerunning) {
      const batchId = Number(key.split('\0')[0]);
      const row = this.store.batches.get(batchId);
      if (row && storedModel(batchId) === modelId) return `${row.inputDir} → ${row.outputDir}`;
    }
    return null;
  }

  list(): BatchDto[] {
    return this.store.batches.list().map((row) => this.dto(row));
  }

  private dto(row: BatchJobRow): BatchDto {
    const items = this.store.batches.items(row.id);
    const count = (s: string): number => items.filter((i) => i.status === s).length;
    const active = [...this.active.values()].find((a) => a.batchId === row.id) ?? null;
    return {
      id: row.id,
      jobId: active?.jobId ?? null,
      inputDir: row.inputDir,
      outputDir: row.outputDir,
      status: row.status,
      paused: active?.pause.paused ?? false,
      options: row.options as Record<string, unknown>,
      total: items.length,
      done: count('done'),
      failed: count('error'),
      skipped: count('skipped'),
      createdAt: row.createdAt,
      finishedAt: row.finishedAt,
      hasReport: row.status === 'done' && existsSync(join(row.outputDir, REPORT_DIR, 'index.html')),
    };
  }

  /** The batch's files, each with small before/after thumbnails (what the Batch tab's grid shows). */
  async results(input: ApiInput<'listBatchResults'>): Promise<ApiOutputs['listBatchResults']> {
    const row = this.store.batches.get(input.batchId);
    if (!row) throw new ApiError('NOT_FOUND', `Batch ${input.batchId} does not exist`);
    const offset = input.offset ?? 0;
    const items = this.store.batches.items(input.batchId).slice(offset, offset + (input.limit ?? 48));
    const out: ApiOutputs['listBatchResults'] = [];
    for (const item of items) out.push(await resultTile(item));
    return out;
  }

  /**
   * rerunBatchFile: one done file of a finished (or interrupted) batch restored again with the
   * batch's stored options but another sensitivity, on a restore worker thread like the batch's
   * files. The new output replaces the old one atomically (journalled first, as the batch does),
   * and the file's row gets the new sha256 and size, so a later resume of the batch keeps it; its
   * report thumbnails and item record are replaced too. Refusals change nothing.
   */
  async rerunFile(input: ApiInput<'rerunBatchFile'>): Promise<ApiOutputs['rerunBatchFile']> {
    const { batchId, relPath, sensitivity } = input;
    // the in-process callers (CLI, tests) skip the schema: the same checks again
    if (typeof sensitivity !== 'number' || !Number.isFinite(sensitivity) || sensitivity < 0 || sensitivity > 1) {
      throw new ApiError('INVALID_INPUT', `sensitivity must be a number from 0 to 1 (got ${String(sensitivity)})`);
    }
    if (typeof relPath !== 'string' || relPath.length === 0 || relPath.includes('\0') || relPath.split(/[\\/]/).includes('..') || /^([\\/]|[A-Za-z]:)/.test(relPath)) {
      throw new ApiError('INVALID_INPUT', `"${String(relPath)}" is not a file of a batch (a path relative to its input folder, without '..')`);
    }
    const row = this.store.batches.get(batchId);
    if (!row) throw new ApiError('NOT_FOUND', `Batch ${batchId} does not exist`);
    const item = this.store.batches.items(batchId).find((i) => i.relPath === relPath);
    if (!item) throw new ApiError('NOT_FOUND', `${relPath} is not a file of batch ${batchId}`);
    if (item.status !== 'done') {
      throw new ApiError('CONFLICT', `${relPath} was not restored by batch ${batchId} (${item.status}${item.error ? `: ${item.error}` : ''}); only restored files can be re-run`);
    }
    if ([...this.active.values()].some((a) => a.batchId === batchId)) {
      throw new ApiError('CONFLICT', `Batch ${batchId} is running; re-run ${relPath} when it has finished`);
    }
    const key = `${batchId}\0${relPath}`;
    if (this.rerunning.has(key)) throw new ApiError('CONFLICT', `${relPath} is already being re-run`);
    this.rerunning.add(key);

    const options = row.options as BatchOptions;
    const jobId = randomUUID();
    const controller = new AbortController();
    const work = (async (): Promise<ApiOutputs['rerunBatchFile']> => {
      const script = findRestoreWorker();
      const executor = script ? threadExecutor(script, 1) : inProcessExecutor(1);
      const t0 = Date.now();
      try {
        const r = await executor.run(
          {
            inputPath: item.inputPath,
            outputPath: item.outputPath,
            options: { ...restoreOptions(options), sensitivity },
            quality: options.quality,
            maxPixels: options.maxPixels,
          },
          { signal: controller.signal },
        );
        if (controller.signal.aborted) throw new ApiError('CANCELLED', `Re-run of ${relPath} was cancelled`);
        const durationMs = Date.now() - t0;
        // journal first, as the batch does: the output at this path is this batch's
        await appendJournal(join(row.outputDir, JOURNAL_NAME), { batch: batchId, out: item.outputPath, sha: r.sha256 });
        await mkdir(dirname(item.outputPath), { recursive: true });
        await writeFileAtomic(item.outputPath, r.bytes, { overwrite: true, protect: [item.inputPath] });
        this.store.batches.markItem(item.id, { status: 'done', sha256: r.sha256, outputSize: r.bytes.byteLength, durationMs });
        // the report's side files: failures here do not undo a written output
        const reportDir = join(row.outputDir, REPORT_DIR);
        let thumbs = false;
        if (r.thumbs) {
          try {
            await mkdir(join(reportDir, 'thumbs'), { recursive: true });
            for (const k of ['before', 'after', 'mask'] as const) await writeFileAtomic(join(reportDir, 'thumbs', `${item.id}-${k}.jpg`), r.thumbs[k], { overwrite: true });
            thumbs = true;
          } catch {
            thumbs = false;
          }
        }
        const record = { width: r.width, height: r.height, format: r.format, durationMs, stats: r.stats, thumbs, sensitivity };
        await mkdir(join(reportDir, 'items'), { recursive: true })
          .then(() => writeFileAtomic(join(reportDir, 'items', `${item.id}.json`), Buffer.from(JSON.stringify(record)), { overwrite: true }))
          .catch(() => undefined);
        const updated = this.store.batches.items(batchId).find((i) => i.id === item.id) ?? item;
        return { result: await resultTile(updated), sensitivity, sha256: r.sha256, outputSize: r.bytes.byteLength, durationMs };
      } finally {
        this.rerunning.delete(key);
        await executor.close().catch(() => undefined);
      }
    })();
    this.host.track(jobId, controller, work.then(() => undefined, () => undefined));
    return await work;
  }

  /** The HTML contact sheet with its thumbnails inlined as data: URIs (one page, openable from a blob: URL). */
  async report(input: ApiInput<'getBatchReport'>): Promise<ApiOutputs['getBatchReport']> {
    const row = this.store.batches.get(input.batchId);
    if (!row) throw new ApiError('NOT_FOUND', `Batch ${input.batchId} does not exist`);
    const dir = join(row.outputDir, REPORT_DIR);
    let html: string;
    try {
      html = await readFile(join(dir, 'index.html'), 'utf8');
    } catch {
      throw new ApiError('NOT_FOUND', `Batch ${input.batchId} has no report (yet) in ${dir}`);
    }
    let inlined = 0;
    const thumbs = new Map<string, string>();
    for (const m of html.matchAll(/src="(thumbs\/\d+-(?:before|after|mask)\.jpg)"/g)) {
      if (thumbs.has(m[1]) || inlined > REPORT_INLINE_MAX) continue;
      try {
        const b64 = (await readFile(join(dir, ...m[1].split('/')))).toString('base64');
        inlined += b64.length;
        thumbs.set(m[1], `data:image/jpeg;base64,${b64}`);
      } catch {
        /* a missing thumbnail stays a broken image */
      }
    }
    html = html.replace(/src="(thumbs\/\d+-(?:before|after|mask)\.jpg)"/g, (all, rel: string) => {
      const uri = thumbs.get(rel);
      return uri ? `src="${uri}"` : all;
    });
    const d = this.dto(row);
    const bytes = Buffer.from(html, 'utf8');
    return {
      mime: 'text/html',
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      summary: { total: d.total, done: d.done, failed: d.failed, skipped: d.skipped },
    };
  }
}
