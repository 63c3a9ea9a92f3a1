import type { Database } from 'better-sqlite3';
import { StoreError, guard } from './errors';
import { fromJson, oneRow, toJson } from './json';
import type { ModelSource, ModelVersionRow, NewModelVersion } from './types';

interface Raw {
  id: number;
  name: string;
  version: number;
  architecture: string;
  file: string;
  sha256: string;
  parent_id: number | null;
  source: ModelSource;
  metrics: string;
  created_at: string;
}

const toRow = (r: Raw): ModelVersionRow => ({
  id: r.id,
  name: r.name,
  version: r.version,
  architecture: r.architecture,
  file: r.file,
  sha256: r.sha256,
  parentId: r.parent_id,
  source: r.source,
  metrics: fromJson(r.metrics),
  createdAt: r.created_at,
});

export interface ModelsRepo {
  /** UNIQUE(name, version): a duplicate is StoreError('CONSTRAINT'). */
  add(m: NewModelVersion): ModelVersionRow;
  get(id: number): ModelVersionRow | undefined;
  /** The given version, or the latest version of `name` when version is omitted. */
  findByName(name: string, version?: number): ModelVersionRow | undefined;
  /** Ordered by name, then version. */
  list(): ModelVersionRow[];
  /** Descendants keep existing (parentId becomes null); edits/runs referencing it lose the link. */
  delete(id: number): void;
  /** Self, parent, grandparent… */
  lineage(id: number): ModelVersionRow[];
}

export function modelsRepo(db: Database): ModelsRepo {
  const insert = db.prepare(
    `INSERT INTO model_versions (name, version, architecture, file, sha256, parent_id, source, metrics)
     VALUES (@name, @version, @architecture, @file, @sha256, @parentId, @source, @metrics)`,
  );
  const byId = db.prepare<[number], Raw>('SELECT * FROM model_versions WHERE id = ?');
  const byNameVersion = db.prepare<[string, number], Raw>(
    'SELECT * FROM model_versions WHERE name = ? AND version = ?',
  );
  const latestByName = db.prepare<[string], Raw>(
    'SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC LIMIT 1',
  );
  const all = db.prepare<[], Raw>('SELECT * FROM model_versions ORDER BY name, version');
  const remove = db.prepare('DELETE FROM model_versions WHERE id = ?');

  const get = oneRow(byId, toRow);
  const latest = oneRow(latestByName, toRow);
  const exact = oneRow(byNameVersion, toRow);

  return {
    add: (m) =>
      guard('models.add', () => {
        const info = insert.run({
          name: m.name,
          version: m.version,
          architecture: m.architecture,
          file: m.file,
          sha256: m.sha256,
          parentId: m.parentId,
          source: m.source,
          metrics: toJson(m.metrics, 'model_versions.metrics'),
        });
        return get(Number(info.lastInsertRowid))!;
      }),
    get,
    findByName: (name, version) => (version === undefined ? latest(name) : exact(name, version)),
    list: () => all.all().map(toRow),
    delete: (id) =>
      guard('models.delete', () => {
        if (remove.run(id).changes === 0) {
          throw new StoreError('NOT_FOUND', `model version ${id} does not exist`);
        }
      }),
    lineage: (id) => {
      // Walk up parent links; the visited set guards against a cycle made by a manual UPDATE.
      const chain: ModelVersionRow[] = [];
      const seen = new Set<number>();
      for (let row = get(id); row && !seen.has(row.id); row = row.parentId === null ? undefined : get(row.parentId)) {
        seen.add(row.id);
        chain.push(row);
      }
      return chain;
    },
  };
}
