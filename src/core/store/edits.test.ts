import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type NewEdit, type Store } from './index';
import { photo, storeErrorCode } from '../../../test/fixtures/store';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const edit = (photoId: number, parentId: number | null, n: number): NewEdit => ({
  photoId,
  parentId,
  kind: 'inpaint',
  engine: 'patchmatch',
  modelVersionId: null,
  params: { n, radius: 3, nested: { ok: true } },
  maskFile: `masks/${n}.png`,
  outputFile: `outputs/${n}.png`,
  durationMs: 12.6,
});

const codeOf = storeErrorCode;

describe('edit tree', () => {
  it('returns camelCase rows with parsed params and ISO timestamps', () => {
    const p = store.photos.add(photo('a'));
    const e = store.edits.add(edit(p.id, null, 1));
    expect(e).toMatchObject({
      photoId: p.id,
      parentId: null,
      kind: 'inpaint',
      params: { n: 1, radius: 3, nested: { ok: true } },
      maskFile: 'masks/1.png',
      outputFile: 'outputs/1.png',
      durationMs: 13,
    });
    expect(new Date(e.createdAt).toISOString()).toBe(e.createdAt);
    expect(store.edits.get(e.id)).toEqual(e);
    expect(store.edits.get(9999)).toBeUndefined();
  });

  it('branches, lists and deletes a subtree only', () => {
    const p = store.photos.add(photo('a'));
    const other = store.photos.add(photo('b'));
    const root = store.edits.add(edit(p.id, null, 1));
    const left = store.edits.add(edit(p.id, root.id, 2)); // two children of one edit
    const right = store.edits.add(edit(p.id, root.id, 3));
    const leftChild = store.edits.add(edit(p.id, left.id, 4));
    const leftGrandchild = store.edits.add(edit(p.id, leftChild.id, 5));
    const rightChild = store.edits.add(edit(p.id, right.id, 6));
    const otherRoot = store.edits.add(edit(other.id, null, 7));

    expect(store.edits.children(root.id).map((e) => e.id)).toEqual([left.id, right.id]);
    expect(store.edits.listForPhoto(p.id).map((e) => e.id)).toEqual([
      root.id, left.id, right.id, leftChild.id, leftGrandchild.id, rightChild.id,
    ]);
    expect(store.edits.listForPhoto(other.id).map((e) => e.id)).toEqual([otherRoot.id]);

    const deleted = store.edits.deleteSubtree(left.id);
    expect(deleted.map((e) => e.id)).toEqual([left.id, leftChild.id, leftGrandchild.id]);
    expect(deleted.map((e) => e.outputFile)).toEqual(['outputs/2.png', 'outputs/4.png', 'outputs/5.png']);
    expect(store.edits.listForPhoto(p.id).map((e) => e.id)).toEqual([root.id, right.id, rightChild.id]);
    expect(store.edits.listForPhoto(other.id)).toHaveLength(1);
    expect(codeOf(() => store.edits.deleteSubtree(left.id))).toBe('NOT_FOUND');
  });

  it('deletes a long chain without hitting the trigger-depth limit', () => {
    const p = store.photos.add(photo('a'));
    let parent: number | null = null;
    const ids: number[] = [];
    store.transaction(() => {
      for (let i = 0; i < 1500; i++) {
        parent = store.edits.add(edit(p.id, parent, i)).id;
        ids.push(parent);
      }
    });
    expect(store.edits.deleteSubtree(ids[0]!)).toHaveLength(1500);
    expect(store.edits.listForPhoto(p.id)).toEqual([]);
  });

  it('rejects a parent from another photo (in code and in the schema)', () => {
    const a = store.photos.add(photo('a'));
    const b = store.photos.add(photo('b'));
    const rootA = store.edits.add(edit(a.id, null, 1));
    expect(codeOf(() => store.edits.add(edit(b.id, rootA.id, 2)))).toBe('CONSTRAINT');
    expect(codeOf(() => store.edits.add(edit(a.id, 424242, 2)))).toBe('CONSTRAINT');
    // Bypassing the repository, the composite foreign key still refuses it.
    expect(() =>
      store.db
        .prepare(
          `INSERT INTO edits (photo_id, parent_id, kind, engine, output_file, duration_ms)
           VALUES (?, ?, 'adjust', 'x', 'outputs/x.png', 0)`,
        )
        .run(b.id, rootA.id),
    ).toThrow(/FOREIGN KEY/);
    expect(store.edits.listForPhoto(b.id)).toEqual([]);
  });

  it('deleting a photo deletes its edits', () => {
    const a = store.photos.add(photo('a'));
    const root = store.edits.add(edit(a.id, null, 1));
    store.edits.add(edit(a.id, root.id, 2));
    store.db.prepare('DELETE FROM photos WHERE id = ?').run(a.id);
    expect(store.db.prepare('SELECT count(*) AS n FROM edits').get()).toEqual({ n: 0 });
  });
});
