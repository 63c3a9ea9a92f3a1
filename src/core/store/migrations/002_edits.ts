// Edit history: a tree per photo. parent_id points at the edit this one was applied on top of
// (NULL = applied to the original). The composite foreign key (parent_id, photo_id) makes a parent
// from another photo impossible, and ON DELETE CASCADE removes a whole subtree with its root.
// model_version_id refers to model_versions (migration 003); SQLite resolves foreign keys at
// write time and all migrations run together at open, so the forward reference is safe. Deleting a
// model keeps the edits (engine still names what ran) and clears the link.
export const sql = `
CREATE TABLE edits (
  id               INTEGER PRIMARY KEY,
  photo_id         INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
  parent_id        INTEGER,
  kind             TEXT    NOT NULL CHECK (kind IN ('inpaint', 'restore', 'adjust')),
  engine           TEXT    NOT NULL CHECK (length(engine) > 0),
  model_version_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
  params           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  mask_file        TEXT,
  output_file      TEXT    NOT NULL CHECK (length(output_file) > 0),
  duration_ms      INTEGER NOT NULL CHECK (duration_ms >= 0),
  created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (id, photo_id),
  CHECK (parent_id IS NULL OR parent_id <> id),
  FOREIGN KEY (parent_id, photo_id) REFERENCES edits (id, photo_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX edits_photo ON edits (photo_id);
CREATE INDEX edits_parent ON edits (parent_id, photo_id);
CREATE INDEX edits_model_version ON edits (model_version_id);
`;
