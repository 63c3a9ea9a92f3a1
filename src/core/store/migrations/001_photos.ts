// Originals the user imported. The library keeps a reference (path) and the content hash; the
// original file itself is never modified. One row per distinct content (sha256).
export const sql = `
CREATE TABLE photos (
  id          INTEGER PRIMARY KEY,
  path        TEXT    NOT NULL CHECK (length(path) > 0),
  sha256      TEXT    NOT NULL UNIQUE
                      CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  byte_size   INTEGER NOT NULL CHECK (byte_size >= 0),
  width       INTEGER NOT NULL CHECK (width > 0),
  height      INTEGER NOT NULL CHECK (height > 0),
  format      TEXT    NOT NULL CHECK (length(format) > 0),
  imported_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX photos_imported_at ON photos (imported_at);
`;
