// Batch restoration jobs over a folder, one item per input file. Items are unique per batch by
// their path relative to the input folder, so a re-scan of the same folder adds only new files and
// an interrupted batch resumes from its pending items.
export const sql = `
CREATE TABLE batch_jobs (
  id          INTEGER PRIMARY KEY,
  input_dir   TEXT NOT NULL CHECK (length(input_dir) > 0),
  output_dir  TEXT NOT NULL CHECK (length(output_dir) > 0),
  options     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
  status      TEXT NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at TEXT,
  CHECK ((status = 'running') = (finished_at IS NULL))
) STRICT;
CREATE INDEX batch_jobs_dirs ON batch_jobs (input_dir, output_dir, status);

CREATE TABLE batch_items (
  id          INTEGER PRIMARY KEY,
  batch_id    INTEGER NOT NULL REFERENCES batch_jobs (id) ON DELETE CASCADE,
  rel_path    TEXT    NOT NULL CHECK (length(rel_path) > 0),
  input_path  TEXT    NOT NULL CHECK (length(input_path) > 0),
  output_path TEXT    NOT NULL CHECK (length(output_path) > 0),
  status      TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'done', 'error', 'skipped')),
  error       TEXT,
  duration_ms INTEGER CHECK (duration_ms >= 0),
  sha256      TEXT    CHECK (sha256 IS NULL OR
                             (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
  UNIQUE (batch_id, rel_path)
) STRICT;
CREATE INDEX batch_items_status ON batch_items (batch_id, status);
`;
