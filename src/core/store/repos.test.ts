import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type NewModelVersion, type Store } from './index';
import { fakeSha, modelVersion, photo, storeErrorCode } from '../../../test/fixtures/store';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const model = (name: string, version: number, parentId: number | null = null): NewModelVersion =>
  modelVersion(name, version, parentId, { source: version === 1 ? 'shipped' : 'trained', metrics: { fid: 40 - version } });
const code = storeErrorCode;

describe('photos', () => {
  it('dedupes by sha256 and lists newest first', () => {
    const a = store.photos.add(photo('a'));
    const b = store.photos.add(photo('b'));
    const again = store.photos.add({ ...photo('a'), path: '/elsewhere/a-copy.jpg' });
    expect(again).toEqual(a);
    expect(store.photos.findBySha(a.sha256)).toEqual(a);
    expect(store.photos.get(b.id)).toMatchObject({ byteSize: 1234, width: 640, height: 480, format: 'jpeg' });
    expect(store.photos.list().map((p) => p.id)).toEqual([b.id, a.id]);
    expect(store.photos.findBySha(fakeSha('nope'))).toBeUndefined();
  });
});

describe('models', () => {
  it('finds by name (latest or exact), lists, and walks lineage', () => {
    const v1 = store.models.add(model('monet', 1));
    const v2 = store.models.add(model('monet', 2, v1.id));
    const v3 = store.models.add(model('monet', 3, v2.id));
    store.models.add(model('faces', 1));
    expect(v2.metrics).toEqual({ fid: 38 });
    expect(store.models.findByName('monet')?.id).toBe(v3.id);
    expect(store.models.findByName('monet', 1)?.id).toBe(v1.id);
    expect(store.models.findByName('monet', 9)).toBeUndefined();
    expect(store.models.findByName('nobody')).toBeUndefined();
    expect(store.models.list().map((m) => `${m.name}@${m.version}`)).toEqual([
      'faces@1', 'monet@1', 'monet@2', 'monet@3',
    ]);
    expect(store.models.lineage(v3.id).map((m) => m.id)).toEqual([v3.id, v2.id, v1.id]);
    expect(store.models.lineage(12345)).toEqual([]);
  });

  it('delete keeps descendants, edits and runs but clears their links', () => {
    const v1 = store.models.add(model('monet', 1));
    const v2 = store.models.add(model('monet', 2, v1.id));
    const p = store.photos.add(photo('a'));
    const e = store.edits.add({
      photoId: p.id, parentId: null, kind: 'inpaint', engine: 'dcgan', modelVersionId: v1.id,
      params: {}, maskFile: null, outputFile: 'outputs/x.png', durationMs: 5,
    });
    const run = store.trainingRuns.start({
      kind: 'finetune', baseModelId: v1.id, datasetPath: '/d', imageCount: 3, datasetHash: 'h', params: {},
    });
    store.models.delete(v1.id);
    expect(store.models.get(v1.id)).toBeUndefined();
    expect(store.models.get(v2.id)?.parentId).toBeNull();
    expect(store.models.lineage(v2.id).map((m) => m.id)).toEqual([v2.id]);
    expect(store.edits.get(e.id)?.modelVersionId).toBeNull();
    expect(store.trainingRuns.get(run.id)?.baseModelId).toBeNull();
    expect(code(() => store.models.delete(v1.id))).toBe('NOT_FOUND');
  });
});

describe('training runs', () => {
  it('start → metrics → finish', () => {
    const base = store.models.add(model('monet', 1));
    const run = store.trainingRuns.start({
      kind: 'finetune', baseModelId: base.id, datasetPath: '/art/monet', imageCount: 120,
      datasetHash: 'abc', params: { lr: 2e-4, beta1: 0.5 },
    });
    expect(run).toMatchObject({
      status: 'running', steps: 0, durationMs: null, error: null, finishedAt: null, resultModelId: null,
      params: { lr: 2e-4, beta1: 0.5 },
    });
    store.trainingRuns.logMetrics(run.id, 2, { lossD: 0.5, lossG: 1.5 });
    store.trainingRuns.logMetrics(run.id, 1, { lossD: 0.7, lossG: 2.5 });
    store.trainingRuns.logMetrics(run.id, 2, { lossG: 1.25 }); // overwrite
    expect(store.trainingRuns.metrics(run.id)).toEqual([
      { step: 1, name: 'lossD', value: 0.7 },
      { step: 1, name: 'lossG', value: 2.5 },
      { step: 2, name: 'lossD', value: 0.5 },
      { step: 2, name: 'lossG', value: 1.25 },
    ]);
    expect(code(() => store.trainingRuns.logMetrics(999, 1, { x: 1 }))).toBe('NOT_FOUND');

    const result = store.models.add(model('monet', 2, base.id));
    const done = store.trainingRuns.finish(run.id, {
      status: 'done', resultModelId: result.id, steps: 2, durationMs: 1234.4,
    });
    expect(done).toMatchObject({ status: 'done', resultModelId: result.id, steps: 2, durationMs: 1234, error: null });
    expect(done.finishedAt).not.toBeNull();
    expect(code(() => store.trainingRuns.finish(run.id, { status: 'failed', resultModelId: null, steps: 0, durationMs: 0 }))).toBe('CONFLICT');
    expect(code(() => store.trainingRuns.finish(999, { status: 'failed', resultModelId: null, steps: 0, durationMs: 0 }))).toBe('NOT_FOUND');

    const failed = store.trainingRuns.start({
      kind: 'train', baseModelId: null, datasetPath: '/d', imageCount: 0, datasetHash: 'h', params: {},
    });
    expect(
      store.trainingRuns.finish(failed.id, { status: 'failed', resultModelId: null, steps: 0, durationMs: 1, error: 'boom' }).error,
    ).toBe('boom');
    expect(store.trainingRuns.list().map((r) => r.id)).toEqual([failed.id, run.id]);
  });
});

describe('batches', () => {
  it('create, add items idempotently, mark, find unfinished, finish', () => {
    const b = store.batches.create({ inputDir: '/in', outputDir: '/out', options: { denoise: true } });
    expect(b).toMatchObject({ status: 'running', options: { denoise: true }, finishedAt: null });
    const items = (...names: string[]) =>
      names.map((n) => ({ relPath: n, inputPath: `/in/${n}`, outputPath: `/out/${n}` }));
    store.batches.addItems(b.id, items('b.jpg', 'a.jpg'));
    store.batches.addItems(b.id, items('a.jpg', 'c.jpg')); // re-scan: a.jpg not duplicated
    const all = store.batches.items(b.id);
    expect(all.map((i) => i.relPath)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(all.every((i) => i.status === 'pending' && i.error === null && i.sha256 === null)).toBe(true);

    store.batches.markItem(all[0]!.id, { status: 'done', durationMs: 10.2, sha256: fakeSha('out-a') });
    store.batches.markItem(all[1]!.id, { status: 'error', error: 'corrupt JPEG' });
    expect(store.batches.items(b.id, 'pending').map((i) => i.relPath)).toEqual(['c.jpg']);
    expect(store.batches.items(b.id, 'done')[0]).toMatchObject({ durationMs: 10, sha256: fakeSha('out-a') });
    expect(store.batches.items(b.id, 'error')[0]?.error).toBe('corrupt JPEG');
    expect(code(() => store.batches.markItem(999, { status: 'skipped' }))).toBe('NOT_FOUND');
    expect(code(() => store.batches.addItems(999, items('x')))).toBe('NOT_FOUND');

    expect(store.batches.findUnfinished('/in', '/out')?.id).toBe(b.id);
    expect(store.batches.findUnfinished('/in', '/other')).toBeUndefined();
    store.batches.finish(b.id, 'cancelled');
    expect(store.batches.get(b.id)).toMatchObject({ status: 'cancelled' });
    expect(store.batches.get(b.id)?.finishedAt).not.toBeNull();
    expect(store.batches.findUnfinished('/in', '/out')).toBeUndefined();
    expect(code(() => store.batches.finish(b.id, 'done'))).toBe('CONFLICT');

    const b2 = store.batches.create({ inputDir: '/in', outputDir: '/out', options: {} });
    expect(store.batches.list().map((x) => x.id)).toEqual([b2.id, b.id]);
  });
});

describe('transaction', () => {
  it('rolls back everything when fn throws and returns its value otherwise', () => {
    expect(() =>
      store.transaction(() => {
        store.photos.add(photo('a'));
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.photos.list()).toEqual([]);
    const id = store.transaction(() => store.photos.add(photo('b')).id);
    expect(store.photos.get(id)).toBeDefined();
  });
});
