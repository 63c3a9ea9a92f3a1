import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { batchesRepo, type BatchesRepo } from './batches';
import { editsRepo, type EditsRepo } from './edits';
import { StoreError, guard } from './errors';
import { migrate } from './migrate';
import { modelsRepo, type ModelsRepo } from './models';
import { photosRepo, type PhotosRepo } from './photos';
import { trainingRunsRepo, type TrainingRunsRepo } from './training-runs';

export interface Store {
  readonly db: Database.Database;
  readonly photos: PhotosRepo;
  readonly edits: EditsRepo;
  readonly models: ModelsRepo;
  readonly trainingRuns: TrainingRunsRepo;
  readonly batches: BatchesRepo;
  /**
   * Runs fn in a transaction (a savepoint when nested); it commits when fn returns and rolls back
   * when it throws. fn must be synchronous: an awaited promise would run after the commit.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** How long a connection waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * PRAGMA quick_check before anything is written: a damaged database is refused instead of being
 * written to. Measured on a generated 10,000-edit library (4.1 MB): ~32 ms on a 2-core machine,
 * so it runs on every open rather than in the background.
 */
function checkIntegrity(db: Database.Database, file: string): void {
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
  if (problems.length === 0) return;
  throw new StoreError(
    'CORRUPT',
    `${file}: the history database is damaged (${problems.join('; ')}). Nothing was written to it. ` +
      'Your photos are untouched, and the masks and outputs in the library folder are kept by content hash. ' +
      'To go on, use a new library (--library NEW_FOLDER or RENOVO_LIBRARY) and keep this folder as it is; ' +
      'a copy of renovo.db from a backup can be put back in its place.',
  );
}

/**
 * Opens (creating if needed) the database at `file` — ':memory:' for a private in-memory one —
 * and applies pending migrations. Only one process should write (the main or CLI process).
 */
export function openStore(file: string): Store {
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = guard(`open ${file}`, () => new Database(file));
  try {
    guard(`open ${file}`, () => {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('foreign_keys = ON');
      if (!inMemory) db.pragma('journal_mode = WAL');
      if (!inMemory) checkIntegrity(db, file);
      migrate(db);
    });
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    db,
    photos: photosRepo(db),
    edits: editsRepo(db),
    models: modelsRepo(db),
    trainingRuns: trainingRunsRepo(db),
    batches: batchesRepo(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => {
      if (db.open) db.close();
    },
  };
}
