// Training runs get an owner (the process that runs them) and the run folder they checkpoint to,
// so a run whose process died can be marked 'interrupted' and a continuation from the same folder
// can replace the metrics of the steps it re-does. SQLite cannot change a CHECK in place: the
// table is rebuilt (foreign keys are off while migrations run; see migrate.ts).
export const sql = `
CREATE TABLE training_runs_new (
  id              INTEGER PRIMARY KEY,
  kind            TEXT    NOT NULL CHECK (kind IN ('train', 'finetune')),
  base_model_id   INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
  result_model_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
  dataset_path    TEXT    NOT NULL CHECK (length(dataset_path) > 0),
  image_count     INTEGER NOT NULL CHECK (image_count >= 0),
  dataset_hash    TEXT    NOT NULL CHECK (length(dataset_hash) > 0),
  params          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  status          TEXT    NOT NULL DEFAULT 'running'
                          CHECK (status IN ('running', 'done', 'cancelled', 'failed', 'interrupted')),
  steps           INTEGER NOT NULL DEFAULT 0 CHECK (steps >= 0),
  duration_ms     INTEGER CHECK (duration_ms >= 0),
  error           TEXT,
  started_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at     TEXT,
  owner_pid       INTEGER,
  owner_host      TEXT,
  run_dir         TEXT,
  CHECK ((status = 'running') = (finished_at IS NULL))
) STRICT;
INSERT INTO training_runs_new
  (id, kind, base_model_id, result_model_id, dataset_path, image_count, dataset_hash, params, status,
   steps, duration_ms, error, started_at, finished_at, owner_pid, owner_host, run_dir)
SELECT id, kind, base_model_id, result_model_id, dataset_path, image_count, dataset_hash, params, status,
       steps, duration_ms, error, started_at, finished_at, NULL, NULL,
       CASE WHEN json_type(params, '$.runDir') = 'text' THEN json_extract(params, '$.runDir') END
FROM training_runs;
DROP TABLE training_runs;
ALTER TABLE training_runs_new RENAME TO training_runs;
CREATE INDEX training_runs_base_model ON training_runs (base_model_id);
CREATE INDEX training_runs_result_model ON training_runs (result_model_id);
CREATE INDEX training_runs_running ON training_runs (status) WHERE status = 'running';
CREATE INDEX training_runs_run_dir ON training_runs (run_dir);
`;
