import Database from 'better-sqlite3';
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, StoreError, migrations, openStore } from './index';
import { photo, tempDir } from '../../../test/fixtures/store';

const TABLES = [
  'batch_items',
  'batch_jobs',
  'edits',
  'model_versions',
  'photos',
  'training_metrics',
  'training_runs',
];

let cleanup = (): void => {};
afterEach(() => cleanup());

/** A path in a fresh temporary folder, removed after the test. */
function tempFile(...parts: string[]): string {
  const t = tempDir();
  cleanup = t.cleanup;
  return path.join(t.dir, ...parts);
}

/** Opens `file` without the store, with migrations 1..version applied: as an older Renovo left it. */
function olderDatabase(file: string, version: number): Database.Database {
  const raw = new Database(file);
  raw.pragma('foreign_keys = ON');
  for (const m of migrations.slice(0, version)) raw.exec(m.sql);
  raw.pragma(`user_version = ${version}`);
  return raw;
}

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((r) => r.name);
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(7);
  });

  it('create every table from an empty database and set user_version', () => {
    const file = tempFile('nested', 'dir', 'renovo.db'); // parent dirs are created
    const store = openStore(file);
    expect(tables(store.db)).toEqual(TABLES);
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    store.close();
  });

  it('works in memory', () => {
    const store = openStore(':memory:');
    expect(tables(store.db)).toEqual(TABLES);
    store.close();
  });

  it('reopening is idempotent and keeps data', () => {
    const file = tempFile('renovo.db');
    const a = openStore(file);
    a.photos.add(photo('kept'));
    const schema = a.db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
    a.close();
    const b = openStore(file);
    expect(b.db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all()).toEqual(schema);
    expect(b.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(b.photos.list().map((p) => p.path)).toEqual(['/photos/kept.jpg']);
    b.close();
  });

  it('upgrades a database left at an older version', () => {
    const file = tempFile('renovo.db');
    olderDatabase(file, 1).close();
    const store = openStore(file);
    expect(tables(store.db)).toEqual(TABLES);
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    store.close();
  });

  it('006 rebuilds training_runs without losing runs or their metrics (no cascade)', () => {
    const file = tempFile('renovo.db');
    const raw = olderDatabase(file, 5);
    raw.prepare(`INSERT INTO training_runs (kind, dataset_path, image_count, dataset_hash, params) VALUES ('train', '/d', 8, 'h', '{"runDir":"/runs/a"}')`).run();
    raw.prepare(`INSERT INTO training_metrics (run_id, step, name, value) VALUES (1, 10, 'lossD', 0.5)`).run();
    raw.close();
    const store = openStore(file);
    expect(store.trainingRuns.get(1)).toMatchObject({ status: 'running', runDir: '/runs/a' });
    expect(store.trainingRuns.markInterrupted()).toBe(1); // no owner recorded: nobody is running it
    expect(store.trainingRuns.get(1)?.status).toBe('interrupted');
    expect(store.trainingRuns.metrics(1)).toEqual([{ step: 10, name: 'lossD', value: 0.5 }]);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    store.close();
  });

  it('refuses a database newer than the code with SCHEMA_TOO_NEW', () => {
    const file = tempFile('renovo.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    let err: unknown;
    try {
      openStore(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('SCHEMA_TOO_NEW');
    expect((err as StoreError).message).toMatch(/newer/);
    // The file was not touched: still at the newer version.
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
    check.close();
  });

  it('a file that is not a database gives a StoreError naming the file', () => {
    const file = tempFile('not-a.db');
    writeFileSync(file, 'this is not sqlite '.repeat(100));
    expect(() => openStore(file)).toThrow(StoreError);
    expect(() => openStore(file)).toThrow(/not-a\.db/);
  });

  it('a failing migration leaves the database at the previous whole version', async () => {
    const { migrate } = await import('./migrate');
    const db = new Database(':memory:');
    const broken = [...migrations.slice(0, 2), { version: 3, name: 'broken', sql: 'CREATE TABLE x (a); SELEC nope;' }];
    expect(() => migrate(db, broken)).toThrow(StoreError);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(tables(db)).toEqual(['edits', 'photos']);
    db.close();
  });
});

describe('integrity', () => {
  it('a database with 4 KB of garbage mid-file is refused on open with a way to recover (issue 14.6)', () => {
    const file = tempFile('renovo.db');
    const s = openStore(file);
    s.transaction(() => {
      for (let i = 0; i < 2000; i++) s.photos.add(photo(`p${i}`));
    });
    s.close();
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    let err: unknown;
    try {
      openStore(file).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('CORRUPT');
    expect((err as StoreError).message).toContain(file);
    expect((err as StoreError).message).toMatch(/damaged.*new library/s);
  });
});
