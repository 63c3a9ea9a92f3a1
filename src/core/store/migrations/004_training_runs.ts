// Training and fine-tuning runs, plus their per-step scalar metrics (losses etc.).
export const sql = `
CREATE TABLE training_runs (
  id              INTEGER PRIMARY KEY,
  kind            TEXT    NOT NULL CHECK (kind IN ('train', 'finetune')),
  base_model_id   INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
  result_model_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
  dataset_path    TEXT    NOT NULL CHECK (length(dataset_path) > 0),
  image_count     INTEGER NOT NULL CHECK (image_count >= 0),
  dataset_hash    TEXT    NOT NULL CHECK (length(dataset_hash) > 0),
  params          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  status          TEXT    NOT NULL DEFAULT 'running'
                          CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
  steps           INTEGER NOT NULL DEFAULT 0 CHECK (steps >= 0),
  duration_ms     INTEGER CHECK (duration_ms >= 0),
  error           TEXT,
  started_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at     TEXT,
  CHECK ((status = 'running') = (finished_at IS NULL))
) STRICT;
CREATE INDEX training_runs_base_model ON training_runs (base_model_id);
CREATE INDEX training_runs_result_model ON training_runs (result_model_id);

CREATE TABLE training_metrics (
  run_id INTEGER NOT NULL REFERENCES training_runs (id) ON DELETE CASCADE,
  step   INTEGER NOT NULL CHECK (step >= 0),
  name   TEXT    NOT NULL CHECK (length(name) > 0),
  value  REAL    NOT NULL,
  PRIMARY KEY (run_id, step, name)
) STRICT, WITHOUT ROWID;
`;
