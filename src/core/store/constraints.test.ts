import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, openStore, type NewEdit, type NewModelVersion, type Store } from './index';
import { modelVersion, photo } from '../../../test/fixtures/store';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

function rejected(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('expected a StoreError');
}

const model = (name: string, version: number, parentId: number | null = null): NewModelVersion => modelVersion(name, version, parentId);

/** An edit to add: a root restore of `photoId` unless `extra` says otherwise. */
const edit = (photoId: number, extra: Partial<NewEdit> = {}): NewEdit => ({
  photoId,
  parentId: null,
  kind: 'restore',
  engine: 'x',
  modelVersionId: null,
  params: {},
  maskFile: null,
  outputFile: 'outputs/x.png',
  durationMs: 1,
  ...extra,
});

describe('constraints', () => {
  it('rejects bad enum values', () => {
    const p = store.photos.add(photo('a'));
    const bad = (kind: string) => () => store.edits.add(edit(p.id, { kind: kind as 'inpaint' }));
    const e = rejected(bad('sharpen'));
    expect(e.code).toBe('CONSTRAINT');
    expect(e.message).toMatch(/CHECK/);
    expect(rejected(() => store.models.add({ ...model('m', 1), source: 'stolen' as 'shipped' })).code).toBe(
      'CONSTRAINT',
    );
    expect(
      rejected(() =>
        store.trainingRuns.start({
          kind: 'pretrain' as 'train',
          baseModelId: null,
          datasetPath: '/d',
          imageCount: 1,
          datasetHash: 'h',
          params: {},
        }),
      ).code,
    ).toBe('CONSTRAINT');
    const b = store.batches.create({ inputDir: '/in', outputDir: '/out', options: {} });
    expect(rejected(() => store.batches.finish(b.id, 'running' as 'done')).code).toBe('CONSTRAINT');
  });

  it('rejects a missing photo (foreign key)', () => {
    const e = rejected(() => store.edits.add(edit(999)));
    expect(e.code).toBe('CONSTRAINT');
    expect(e.message).toMatch(/FOREIGN KEY/);
    expect(e.cause).toBeDefined();
  });

  it('rejects a missing model version (foreign key)', () => {
    expect(rejected(() => store.models.add(model('m', 2, 777))).code).toBe('CONSTRAINT');
  });

  it('rejects a duplicate model version', () => {
    store.models.add(model('monet', 1));
    const e = rejected(() => store.models.add(model('monet', 1)));
    expect(e.code).toBe('CONSTRAINT');
    expect(e.message).toMatch(/UNIQUE/);
    expect(store.models.add(model('monet', 2)).version).toBe(2);
  });

  it('rejects NOT NULL, malformed hashes, negative sizes and non-integer counts', () => {
    expect(rejected(() => store.photos.add({ ...photo('a'), path: null as unknown as string })).code).toBe(
      'CONSTRAINT',
    );
    expect(rejected(() => store.photos.add({ ...photo('a'), sha256: 'XYZ' })).code).toBe('CONSTRAINT');
    expect(rejected(() => store.photos.add({ ...photo('a'), byteSize: -1 })).code).toBe('CONSTRAINT');
    expect(rejected(() => store.photos.add({ ...photo('a'), width: 1.5 })).code).toBe('CONSTRAINT');
    expect(store.photos.list()).toEqual([]);
  });

  it('rejects non-object JSON and non-finite metrics before SQLite', () => {
    expect(rejected(() => store.models.add({ ...model('m', 1), metrics: [] as unknown as {} })).code).toBe(
      'INVALID',
    );
    const run = store.trainingRuns.start({
      kind: 'train',
      baseModelId: null,
      datasetPath: '/d',
      imageCount: 1,
      datasetHash: 'h',
      params: {},
    });
    expect(rejected(() => store.trainingRuns.logMetrics(run.id, 1, { ok: 1, loss: Number.NaN })).code).toBe(
      'INVALID',
    );
    expect(store.trainingRuns.metrics(run.id)).toEqual([]); // the whole step was rolled back
  });
});
