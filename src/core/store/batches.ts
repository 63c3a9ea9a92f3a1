import type { Database } from 'better-sqlite3';
import { StoreError, guard } from './errors';
import { fromJson, ms, oneRow, toJson } from './json';
import type {
  BatchItemResult,
  BatchItemRow,
  BatchItemStatus,
  BatchJobRow,
  BatchStatus,
  FinalStatus,
  NewBatch,
  NewBatchItem,
} from './types';

interface RawJob {
  id: number;
  input_dir: string;
  output_dir: string;
  options: string;
  status: BatchStatus;
  created_at: string;
  finished_at: string | null;
}

interface RawItem {
  id: number;
  batch_id: number;
  rel_path: string;
  input_path: string;
  output_path: string;
  status: BatchItemStatus;
  error: string | null;
  duration_ms: number | null;
  sha256: string | null;
  output_size: number | null;
}

const toJob = (r: RawJob): BatchJobRow => ({
  id: r.id,
  inputDir: r.input_dir,
  outputDir: r.output_dir,
  options: fromJson(r.options),
  status: r.status,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

const toItem = (r: RawItem): BatchItemRow => ({
  id: r.id,
  batchId: r.batch_id,
  relPath: r.rel_path,
  inputPath: r.input_path,
  outputPath: r.output_path,
  status: r.status,
  error: r.error,
  durationMs: r.duration_ms,
  sha256: r.sha256,
  outputSize: r.output_size,
});

export interface BatchesRepo {
  /** Creates a batch with status 'running'. */
  create(b: NewBatch): BatchJobRow;
  get(id: number): BatchJobRow | undefined;
  /** The most recent still-running batch over the same folders (to resume it), if any. */
  findUnfinished(inputDir: string, outputDir: string): BatchJobRow | undefined;
  /** Newest first. */
  list(): BatchJobRow[];
  /** Adds items as 'pending'; an item whose relPath is already in the batch is left untouched. */
  addItems(batchId: number, items: NewBatchItem[]): void;
  /** Ordered by relPath; optionally only those with the given status. */
  items(batchId: number, status?: BatchItemStatus): BatchItemRow[];
  /** NOT_FOUND if the item does not exist. */
  markItem(itemId: number, r: BatchItemResult): void;
  /** Puts an item back to 'pending' (its output must be made again). */
  resetItem(itemId: number): void;
  /** The newest output recorded as done at this path by any batch, if any. */
  recordedOutput(outputPath: string): { sha256: string; outputSize: number | null } | undefined;
  /** NOT_FOUND if unknown, CONFLICT if it already finished. */
  finish(batchId: number, status: FinalStatus): void;
}

export function batchesRepo(db: Database): BatchesRepo {
  const insertJob = db.prepare(
    'INSERT INTO batch_jobs (input_dir, output_dir, options) VALUES (@inputDir, @outputDir, @options)',
  );
  const jobById = db.prepare<[number], RawJob>('SELECT * FROM batch_jobs WHERE id = ?');
  const unfinished = db.prepare<[string, string], RawJob>(
    `SELECT * FROM batch_jobs WHERE input_dir = ? AND output_dir = ? AND status = 'running'
     ORDER BY id DESC LIMIT 1`,
  );
  const allJobs = db.prepare<[], RawJob>('SELECT * FROM batch_jobs ORDER BY id DESC');
  const insertItem = db.prepare(
    `INSERT OR IGNORE INTO batch_items (batch_id, rel_path, input_path, output_path)
     VALUES (?, ?, ?, ?)`,
  );
  const itemsOf = db.prepare<[number], RawItem>(
    'SELECT * FROM batch_items WHERE batch_id = ? ORDER BY rel_path',
  );
  const itemsWithStatus = db.prepare<[number, string], RawItem>(
    'SELECT * FROM batch_items WHERE batch_id = ? AND status = ? ORDER BY rel_path',
  );
  const updateItem = db.prepare(
    `UPDATE batch_items SET status = @status, error = @error, duration_ms = @durationMs,
                            sha256 = @sha256, output_size = @outputSize
     WHERE id = @id`,
  );
  const resetOne = db.prepare(
    `UPDATE batch_items SET status = 'pending', error = NULL, duration_ms = NULL, sha256 = NULL, output_size = NULL WHERE id = ?`,
  );
  const recorded = db.prepare<[string], { sha256: string; output_size: number | null }>(
    `SELECT sha256, output_size FROM batch_items WHERE output_path = ? AND status = 'done' AND sha256 IS NOT NULL
     ORDER BY id DESC LIMIT 1`,
  );
  const finishJob = db.prepare(
    `UPDATE batch_jobs SET status = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = ? AND status = 'running'`,
  );

  const get = oneRow(jobById, toJob);

  return {
    create: (b) =>
      guard('batches.create', () => {
        const info = insertJob.run({
          inputDir: b.inputDir,
          outputDir: b.outputDir,
          options: toJson(b.options, 'batch_jobs.options'),
        });
        return get(Number(info.lastInsertRowid))!;
      }),
    get,
    findUnfinished: oneRow(unfinished, toJob),
    list: () => allJobs.all().map(toJob),
    addItems: (batchId, items) =>
      guard('batches.addItems', () =>
        db.transaction(() => {
          if (!jobById.get(batchId)) throw new StoreError('NOT_FOUND', `batch ${batchId} does not exist`);
          for (const it of items) insertItem.run(batchId, it.relPath, it.inputPath, it.outputPath);
        })(),
      ),
    items: (batchId, status) =>
      (status === undefined ? itemsOf.all(batchId) : itemsWithStatus.all(batchId, status)).map(toItem),
    markItem: (itemId, r) =>
      guard('batches.markItem', () => {
        const info = updateItem.run({
          id: itemId,
          status: r.status,
          error: r.error ?? null,
          durationMs: r.durationMs === undefined ? null : ms(r.durationMs),
          sha256: r.sha256 ?? null,
          outputSize: r.outputSize ?? null,
        });
        if (info.changes === 0) throw new StoreError('NOT_FOUND', `batch item ${itemId} does not exist`);
      }),
    resetItem: (itemId) =>
      guard('batches.resetItem', () => {
        if (resetOne.run(itemId).changes === 0) throw new StoreError('NOT_FOUND', `batch item ${itemId} does not exist`);
      }),
    recordedOutput: (outputPath) => {
      const r = recorded.get(outputPath);
      return r && { sha256: r.sha256, outputSize: r.output_size };
    },
    finish: (batchId, status) =>
      guard('batches.finish', () =>
        db.transaction(() => {
          const current = jobById.get(batchId);
          if (!current) throw new StoreError('NOT_FOUND', `batch ${batchId} does not exist`);
          if (current.status !== 'running') {
            throw new StoreError('CONFLICT', `batch ${batchId} already finished (${current.status})`);
          }
          finishJob.run(status, batchId);
        })(),
      ),
  };
}
