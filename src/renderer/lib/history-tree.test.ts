import { describe, expect, it } from 'vitest';
import type { EditDto } from '../../shared/contract';
import { ancestry, flattenTree } from './history-tree';

const edit = (id: number, parentId: number | null): EditDto => ({
  id, parentId, photoId: 1, kind: 'inpaint', engine: 'telea', modelVersionId: null, params: {}, maskFile: null, sourceArea: null,
  outputFile: `o${id}`, previewFile: `p${id}`, durationMs: 1, createdAt: '2026-01-01T00:00:00Z',
});

describe('history tree', () => {
  it('flattens branches depth-first with depths', () => {
    const rows = flattenTree([edit(3, 1), edit(1, null), edit(2, 1), edit(4, null), edit(5, 99)]);
    expect(rows.map((r) => [r.edit.id, r.depth, r.children])).toEqual([
      [1, 1, 2], [2, 2, 0], [3, 2, 0], [4, 1, 0], [5, 1, 0],
    ]);
    expect(ancestry([edit(1, null), edit(2, 1), edit(3, 2)], 3)).toEqual([1, 2, 3]);
    expect(ancestry([edit(1, null)], null)).toEqual([]);
  });
});
