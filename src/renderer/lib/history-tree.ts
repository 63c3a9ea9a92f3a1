// The photo's edit history as a tree (edits point at their parent; null = the original), flattened
// depth-first for display with a depth per row, so branches read as indented lists.
import type { EditDto } from '../../shared/contract';

export interface TreeRow {
  edit: EditDto;
  depth: number;
  /** Number of children (a branch point when > 1). */
  children: number;
}

export function flattenTree(edits: EditDto[]): TreeRow[] {
  const byParent = new Map<number | null, EditDto[]>();
  const ids = new Set(edits.map((e) => e.id));
  for (const e of edits) {
    // An edit whose parent is missing (deleted concurrently) hangs off the original.
    const parent = e.parentId !== null && ids.has(e.parentId) ? e.parentId : null;
    const list = byParent.get(parent) ?? [];
    list.push(e);
    byParent.set(parent, list);
  }
  for (const list of byParent.values()) list.sort((a, b) => a.id - b.id);
  const rows: TreeRow[] = [];
  const visit = (parent: number | null, depth: number) => {
    for (const e of byParent.get(parent) ?? []) {
      rows.push({ edit: e, depth, children: byParent.get(e.id)?.length ?? 0 });
      visit(e.id, depth + 1);
    }
  };
  visit(null, 1);
  return rows;
}

/** The chain of edit ids from the original to `id` (inclusive). */
export function ancestry(edits: EditDto[], id: number | null): number[] {
  const byId = new Map(edits.map((e) => [e.id, e]));
  const out: number[] = [];
  let cur = id === null ? undefined : byId.get(id);
  while (cur) {
    out.unshift(cur.id);
    cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
  }
  return out;
}

/** Per-photo edit numbers, 1 for the photo's first edit (database ids are global across photos). */
export function editNumbers(edits: EditDto[]): Map<number, number> {
  return new Map([...edits].sort((a, b) => a.id - b.id).map((e, i) => [e.id, i + 1]));
}
