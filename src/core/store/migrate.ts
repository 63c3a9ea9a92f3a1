import type { Database } from 'better-sqlite3';
import { StoreError, guard } from './errors';
import { migrations, type Migration } from './migrations/index';

/** The schema version recorded in the database (PRAGMA user_version; 0 for a new file). */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to the latest schema. Each migration runs in its own transaction
 * together with the user_version bump, so a crash leaves the database at a whole version.
 * A database newer than this code is refused with StoreError('SCHEMA_TOO_NEW').
 */
export function migrate(db: Database, list: readonly Migration[] = migrations): number {
  const current = schemaVersion(db);
  if (current > list.length) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `database schema version ${current} is newer than this version of Renovo supports ` +
        `(${list.length}); update Renovo or open a different library`,
    );
  }
  if (current === list.length) return current;
  // Foreign keys off while migrating (SQLite's table-rebuild procedure: dropping a rebuilt table
  // must not cascade); each migration checks them before it commits.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of list.slice(current)) {
      guard(`migration ${m.version} (${m.name})`, () =>
        db.transaction(() => {
          // Re-read under the write lock: another process may have migrated since we looked.
          if (schemaVersion(db) >= m.version) return;
          db.exec(m.sql);
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new StoreError('CONSTRAINT', `migration ${m.version} (${m.name}) broke ${broken.length} foreign key(s)`);
          db.pragma(`user_version = ${m.version}`);
        }).immediate(),
      );
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return list.length;
}
