import type { Database } from 'better-sqlite3';
import { StoreError, guard } from './errors';
import { fromJson, ms, toJson } from './json';
import type {
  NewTrainingRun,
  RunStatus,
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
  status: RunStatus;
  steps: number;
  duration_ms: number | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
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
});

export interface TrainingRunsRepo {
  /** Creates a run with status 'running'. */
  start(r: NewTrainingRun): TrainingRunRow;
  /** Records scalar metrics for one step (re-logging a name at a step overwrites it). */
  logMetrics(runId: number, step: number, metrics: Record<string, number>): void;
  /** Ordered by step, then name. */
  metrics(runId: number): TrainingMetric[];
  /** Finishes a running run; NOT_FOUND if unknown, CONFLICT if it already finished. */
  finish(runId: number, r: TrainingRunResult): TrainingRunRow;
  get(id: number): TrainingRunRow | undefined;
  /** Newest first. */
  list(): TrainingRunRow[];
}

export function trainingRunsRepo(db: Database): TrainingRunsRepo {
  const insert = db.prepare(
    `INSERT INTO training_runs (kind, base_model_id, dataset_path, image_count, dataset_hash, params)
     VALUES (@kind, @baseModelId, @datasetPath, @imageCount, @datasetHash, @params)`,
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
     WHERE id = @id AND status = 'running'`,
  );

  const get = (id: number): TrainingRunRow | undefined => {
    const r = byId.get(id);
    return r && toRow(r);
  };

  return {
    start: (r) =>
      guard('trainingRuns.start', () => {
        const info = insert.run({
          kind: r.kind,
          baseModelId: r.baseModelId,
          datasetPath: r.datasetPath,
          imageCount: r.imageCount,
          datasetHash: r.datasetHash,
          params: toJson(r.params, 'training_runs.params'),
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
        })(),
      ),
    metrics: (runId) => metricsOf.all(runId),
    finish: (runId, r) =>
      guard('trainingRuns.finish', () =>
        db.transaction(() => {
          const current = byId.get(runId);
          if (!current) throw new StoreError('NOT_FOUND', `training run ${runId} does not exist`);
          if (current.status !== 'running') {
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
