import type { Database } from 'better-sqlite3';
import { guard } from './errors';
import { oneRow } from './json';
import type { NewPhoto, PhotoRow } from './types';

interface Raw {
  id: number;
  path: string;
  sha256: string;
  byte_size: number;
  width: number;
  height: number;
  format: string;
  imported_at: string;
}

const toRow = (r: Raw): PhotoRow => ({
  id: r.id,
  path: r.path,
  sha256: r.sha256,
  byteSize: r.byte_size,
  width: r.width,
  height: r.height,
  format: r.format,
  importedAt: r.imported_at,
});

export interface PhotosRepo {
  /** Adds a photo; if the same content (sha256) is already present, returns the existing row. */
  add(p: NewPhoto): PhotoRow;
  get(id: number): PhotoRow | undefined;
  findBySha(sha256: string): PhotoRow | undefined;
  /** Newest first. */
  list(): PhotoRow[];
}

export function photosRepo(db: Database): PhotosRepo {
  const insert = db.prepare(
    `INSERT INTO photos (path, sha256, byte_size, width, height, format)
     VALUES (@path, @sha256, @byteSize, @width, @height, @format)
     ON CONFLICT (sha256) DO NOTHING`,
  );
  const byId = db.prepare<[number], Raw>('SELECT * FROM photos WHERE id = ?');
  const bySha = db.prepare<[string], Raw>('SELECT * FROM photos WHERE sha256 = ?');
  const all = db.prepare<[], Raw>('SELECT * FROM photos ORDER BY imported_at DESC, id DESC');

  const findBySha = oneRow(bySha, toRow);

  return {
    add: (p) =>
      guard('photos.add', () =>
        db.transaction(() => {
          insert.run({
            path: p.path,
            sha256: p.sha256,
            byteSize: p.byteSize,
            width: p.width,
            height: p.height,
            format: p.format,
          });
          return findBySha(p.sha256)!;
        })(),
      ),
    get: oneRow(byId, toRow),
    findBySha,
    list: () => all.all().map(toRow),
  };
}
