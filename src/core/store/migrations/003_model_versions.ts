// Model versions (shipped, trained or imported weights). parent_id records lineage: a fine-tune
// points at the version it started from; deleting an ancestor keeps the descendants (SET NULL).
export const sql = `
CREATE TABLE model_versions (
  id           INTEGER PRIMARY KEY,
  name         TEXT    NOT NULL CHECK (length(name) > 0),
  version      INTEGER NOT NULL CHECK (version >= 1),
  architecture TEXT    NOT NULL CHECK (length(architecture) > 0),
  file         TEXT    NOT NULL CHECK (length(file) > 0),
  sha256       TEXT    NOT NULL
                       CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  parent_id    INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
  source       TEXT    NOT NULL CHECK (source IN ('shipped', 'trained', 'imported')),
  metrics      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metrics)),
  created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (name, version),
  CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;
CREATE INDEX model_versions_parent ON model_versions (parent_id);
`;
