import type { Database } from 'better-sqlite3';
import { StoreError, guard } from './errors';
import { fromJson, ms, oneRow, toJson } from './json';
import type { EditKind, EditRow, NewEdit } from './types';

interface Raw {
  id: number;
  photo_id: number;
  parent_id: number | null;
  kind: EditKind;
  engine: string;
  model_version_id: number | null;
  params: string;
  mask_file: string | null;
  output_file: string;
  duration_ms: number;
  created_at: string;
}

const toRow = (r: Raw): EditRow => ({
  id: r.id,
  photoId: r.photo_id,
  parentId: r.parent_id,
  kind: r.kind,
  engine: r.engine,
  modelVersionId: r.model_version_id,
  params: fromJson(r.params),
  maskFile: r.mask_file,
  outputFile: r.output_file,
  durationMs: r.duration_ms,
  createdAt: r.created_at,
});

export interface EditsRepo {
  /** The parent (if any) must be an edit of the same photo, else StoreError('CONSTRAINT'). */
  add(e: NewEdit): EditRow;
  get(id: number): EditRow | undefined;
  /** All edits of a photo, ordered by id (a parent always precedes its children). */
  listForPhoto(photoId: number): EditRow[];
  /** Direct children, ordered by id. */
  children(id: number): EditRow[];
  /**
   * Deletes the edit and all its descendants in one transaction and returns the deleted rows
   * (ordered by id) so the caller can remove their files. StoreError('NOT_FOUND') if id is unknown.
   */
  deleteSubtree(id: number): EditRow[];
}

export function editsRepo(db: Database): EditsRepo {
  const insert = db.prepare(
    `INSERT INTO edits (photo_id, parent_id, kind, engine, model_version_id, params, mask_file,
                        output_file, duration_ms)
     VALUES (@photoId, @parentId, @kind, @engine, @modelVersionId, @params, @maskFile,
             @outputFile, @durationMs)`,
  );
  const byId = db.prepare<[number], Raw>('SELECT * FROM edits WHERE id = ?');
  const byPhoto = db.prepare<[number], Raw>('SELECT * FROM edits WHERE photo_id = ? ORDER BY id');
  const byParent = db.prepare<[number], Raw>('SELECT * FROM edits WHERE parent_id = ? ORDER BY id');
  const subtree = db.prepare<[number], Raw>(
    `WITH RECURSIVE sub (id) AS (
       SELECT id FROM edits WHERE id = ?
       UNION ALL
       SELECT e.id FROM edits e JOIN sub ON e.parent_id = sub.id
     )
     SELECT * FROM edits WHERE id IN (SELECT id FROM sub) ORDER BY id`,
  );
  const remove = db.prepare('DELETE FROM edits WHERE id = ?');

  const get = oneRow(byId, toRow);

  return {
    add: (e) =>
      guard('edits.add', () =>
        db.transaction(() => {
          if (e.parentId !== null) {
            const parent = byId.get(e.parentId);
            if (!parent) {
              throw new StoreError('CONSTRAINT', `edits.add: parent edit ${e.parentId} does not exist`);
            }
            if (parent.photo_id !== e.photoId) {
              throw new StoreError(
                'CONSTRAINT',
                `edits.add: parent edit ${e.parentId} belongs to photo ${parent.photo_id}, not ${e.photoId}`,
              );
            }
          }
          const info = insert.run({
            photoId: e.photoId,
            parentId: e.parentId,
            kind: e.kind,
            engine: e.engine,
            modelVersionId: e.modelVersionId,
            params: toJson(e.params, 'edits.params'),
            maskFile: e.maskFile,
            outputFile: e.outputFile,
            durationMs: ms(e.durationMs),
          });
          return get(Number(info.lastInsertRowid))!;
        })(),
      ),
    get,
    listForPhoto: (photoId) => byPhoto.all(photoId).map(toRow),
    children: (id) => byParent.all(id).map(toRow),
    deleteSubtree: (id) =>
      guard('edits.deleteSubtree', () =>
        db.transaction(() => {
          const rows = subtree.all(id).map(toRow);
          if (rows.length === 0) throw new StoreError('NOT_FOUND', `edit ${id} does not exist`);
          // Leaves first (a child's id is always greater than its parent's), so no row deleted here
          // still has children and the cascade never recurses: a long chain cannot hit SQLite's
          // trigger-depth limit. ON DELETE CASCADE remains the schema-level guarantee.
          for (let i = rows.length - 1; i >= 0; i--) remove.run(rows[i]!.id);
          return rows;
        })(),
      ),
  };
}
