import type { Database } from 'better-sqlite3';
import { StoreError, guard } from './errors';
import { fromJson, ms, oneRow, toJson } from './json';
import { hostname } from 'node:os';
import type {
  NewTrainingRun,
  TrainingRunStatus,
  TrainingKind,
  TrainingMetric,
  TrainingRunResult,
  TrainingRunRow,
} from './types';

interface Raw {
  id: number;
  kind: TrainingKind;
  base_model_id: number | null;
  result_model_id: number | null;
  dataset_path: string;
  image_count: number;
  dataset_hash: string;
  params: string;
  status: TrainingRunStatus;
  steps: number;
  duration_ms: number | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
  run_dir: string | null;
}

interface RawOwner {
  id: number;
  owner_pid: number | null;
  owner_host: string | null;
}

/** Whether a process with this id runs on this machine (EPERM: it exists but is not ours). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const toRow = (r: Raw): TrainingRunRow => ({
  id: r.id,
  kind: r.kind,
  baseModelId: r.base_model_id,
  resultModelId: r.result_model_id,
  datasetPath: r.dataset_path,
  imageCount: r.image_count,
  datasetHash: r.dataset_hash,
  params: fromJson(r.params),
  status: r.status,
  steps: r.steps,
  durationMs: r.duration_ms,
  error: r.error,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  runDir: r.run_dir,
});

export interface TrainingRunsRepo {
  /** Creates a run with status 'running'. */
  start(r: NewTrainingRun): TrainingRunRow;
  /**
   * Records scalar metrics for one step. Idempotent per (run, step): re-logging overwrites, and a
   * continuation of the same run folder replaces what earlier runs logged for that step (work
   * past their last checkpoint that was redone).
   */
  logMetrics(runId: number, step: number, metrics: Record<string, number>): void;
  /** Ordered by step, then name. */
  metrics(runId: number): TrainingMetric[];
  /**
   * Marks 'running' runs whose owning process is gone as 'interrupted' (runs owned by another
   * machine are left alone); returns how many. Called when a library is opened.
   */
  markInterrupted(): number;
  /** Finishes a running (or interrupted) run; NOT_FOUND if unknown, CONFLICT if it already finished. */
  finish(runId: number, r: TrainingRunResult): TrainingRunRow;
  get(id: number): TrainingRunRow | undefined;
  /** Newest first. */
  list(): TrainingRunRow[];
}

export function trainingRunsRepo(db: Database): TrainingRunsRepo {
  const insert = db.prepare(
    `INSERT INTO training_runs (kind, base_model_id, dataset_path, image_count, dataset_hash, params, owner_pid, owner_host, run_dir)
     VALUES (@kind, @baseModelId, @datasetPath, @imageCount, @datasetHash, @params, @ownerPid, @ownerHost, @runDir)`,
  );
  const host = hostname();
  const runningOwners = db.prepare<[], RawOwner>(`SELECT id, owner_pid, owner_host FROM training_runs WHERE status = 'running'`);
  const interrupt = db.prepare(
    `UPDATE training_runs SET status = 'interrupted', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
       error = 'interrupted: the process running it ended without finishing it (its checkpoints are kept in the run folder)'
     WHERE id = ? AND status = 'running'`,
  );
  const dropRedone = db.prepare(
    `DELETE FROM training_metrics WHERE step = @step AND run_id IN (
       SELECT o.id FROM training_runs o JOIN training_runs r ON r.id = @runId
       WHERE o.id <> r.id AND o.run_dir = r.run_dir)`,
  );
  const byId = db.prepare<[number], Raw>('SELECT * FROM training_runs WHERE id = ?');
  const all = db.prepare<[], Raw>('SELECT * FROM training_runs ORDER BY id DESC');
  const upsertMetric = db.prepare(
    `INSERT INTO training_metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, step, name) DO UPDATE SET value = excluded.value`,
  );
  const metricsOf = db.prepare<[number], TrainingMetric>(
    'SELECT step, name, value FROM training_metrics WHERE run_id = ? ORDER BY step, name',
  );
  const finishRun = db.prepare(
    `UPDATE training_runs
     SET status = @status, result_model_id = @resultModelId, steps = @steps,
         duration_ms = @durationMs, error = @error,
         finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = @id AND status IN ('running', 'interrupted')`,
  );

  const markInterrupted = (): number =>
    guard('trainingRuns.markInterrupted', () =>
      db.transaction(() => {
        let n = 0;
        for (const r of runningOwners.all()) {
          const mine = r.owner_host === host && r.owner_pid !== null;
          // Rows from before owners were recorded (owner_host null) have no live owner to wait for.
          if (r.owner_host !== null && (!mine || processAlive(r.owner_pid!))) continue;
          n += interrupt.run(r.id).changes;
        }
        return n;
      })(),
    );

  const get = oneRow(byId, toRow);

  return {
    start: (r) =>
      guard('trainingRuns.start', () => {
        markInterrupted(); // a run that continues a dead one finds it marked
        const info = insert.run({
          kind: r.kind,
          baseModelId: r.baseModelId,
          datasetPath: r.datasetPath,
          imageCount: r.imageCount,
          datasetHash: r.datasetHash,
          params: toJson(r.params, 'training_runs.params'),
          ownerPid: process.pid,
          ownerHost: host,
          runDir: typeof r.params.runDir === 'string' ? r.params.runDir : null,
        });
        return get(Number(info.lastInsertRowid))!;
      }),
    logMetrics: (runId, step, metrics) =>
      guard('trainingRuns.logMetrics', () =>
        db.transaction(() => {
          if (!byId.get(runId)) throw new StoreError('NOT_FOUND', `training run ${runId} does not exist`);
          for (const [name, value] of Object.entries(metrics)) {
            if (!Number.isFinite(value)) {
              throw new StoreError('INVALID', `training run ${runId}: metric ${name} at step ${step} is ${value}`);
            }
            upsertMetric.run(runId, step, name, value);
          }
          dropRedone.run({ step, runId });
        })(),
      ),
    metrics: (runId) => metricsOf.all(runId),
    markInterrupted,
    finish: (runId, r) =>
      guard('trainingRuns.finish', () =>
        db.transaction(() => {
          const current = byId.get(runId);
          if (!current) throw new StoreError('NOT_FOUND', `training run ${runId} does not exist`);
          if (current.status !== 'running' && current.status !== 'interrupted') {
            throw new StoreError('CONFLICT', `training run ${runId} already finished (${current.status})`);
          }
          finishRun.run({
            id: runId,
            status: r.status,
            resultModelId: r.resultModelId,
            steps: r.steps,
            durationMs: ms(r.durationMs),
            error: r.error ?? null,
          });
          return get(runId)!;
        })(),
      ),
    get,
    list: () => all.all().map(toRow),
  };
}
