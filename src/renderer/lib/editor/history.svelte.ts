// The open photo's edits (a tree: removal continues from the edit shown), which one is on the
// stage, and stepping back and forth along it: undo/redo once the masks have no steps left.
import type { EditDto, RenovoApi } from '../../../shared/contract';
import { describeError } from '../api/errors';
import { editNumbers } from '../history-tree';
import type { Library } from './library.svelte';
import type { Notices } from './notices.svelte';

export class EditHistory {
  edits = $state.raw<EditDto[]>([]);
  /** "#3" = this photo's third edit; what every label shows instead of the global id. */
  readonly numbers = $derived(editNumbers(this.edits));
  /** The edit shown on the stage (null = the original). Removal builds on what is shown. */
  viewingEditId = $state<number | null>(null);
  readonly viewing = $derived(this.edits.find((e) => e.id === this.viewingEditId) ?? null);
  /** Edits stepped back from with undo, most recent last (cleared when the user picks another). */
  redoStack = $state.raw<number[]>([]);

  constructor(
    private readonly api: RenovoApi,
    private readonly notices: Notices,
    private readonly library: Library,
    /** True while a removal runs: the history stays as it is. */
    private readonly locked: () => boolean,
  ) {}

  /** Library-relative preview file on the stage: the edit shown, else the photo. */
  get displayFile(): string | null {
    return this.viewing?.previewFile ?? this.library.photo?.previewFile ?? null;
  }

  /** "#3": the edit's number on its photo. */
  label(id: number): string {
    return `#${this.numbers.get(id) ?? id}`;
  }

  /** Show an edit (null = the original); removal then continues from it (a branch if it has children). */
  show(editId: number | null): void {
    if (editId !== this.viewingEditId) this.redoStack = [];
    this.viewingEditId = editId;
  }

  /** Undo past the masks: show the parent of the edit shown (nothing when the original is). */
  stepBack(): void {
    const current = this.viewing;
    if (current) {
      this.redoStack = [...this.redoStack, current.id];
      this.viewingEditId = current.parentId;
    }
  }

  /** Redo past the masks: show the edit last stepped back from, if it still exists. */
  stepForward(): void {
    const next = this.redoStack.at(-1);
    if (next !== undefined && this.edits.some((e) => e.id === next)) {
      this.redoStack = this.redoStack.slice(0, -1);
      this.viewingEditId = next;
    } else this.redoStack = [];
  }

  /** Another photo: nothing known of its edits yet, the original shown. */
  clear(): void {
    this.viewingEditId = null;
    this.redoStack = [];
    this.edits = [];
  }

  /** A removal made this edit: it joins the tree and is shown. */
  added(edit: EditDto): void {
    this.redoStack = [];
    this.edits = [...this.edits.filter((e) => e.id !== edit.id), edit];
    this.viewingEditId = edit.id;
  }

  async refresh(): Promise<void> {
    const photo = this.library.photo;
    if (!photo) return;
    try {
      const edits = await this.api.listEdits({ photoId: photo.id });
      if (this.library.photo?.id === photo.id) this.edits = edits;
    } catch (error) {
      this.notices.notify('error', `Could not load the edit history: ${describeError(error)}`);
    }
  }

  /** Deletes an edit and the edits made from it; the stage falls back to its parent if it showed one. */
  async delete(editId: number): Promise<void> {
    if (!this.library.photo || this.locked()) return;
    try {
      const { deletedEditIds } = await this.api.deleteEdit({ editId });
      const gone = new Set(deletedEditIds);
      const deleted = this.edits.find((e) => e.id === editId);
      if (this.viewingEditId !== null && gone.has(this.viewingEditId)) this.viewingEditId = deleted?.parentId ?? null;
      this.redoStack = this.redoStack.filter((id) => !gone.has(id));
      this.edits = this.edits.filter((e) => !gone.has(e.id));
      this.notices.notify('info', deletedEditIds.length > 1 ? `Deleted ${deletedEditIds.length} edits.` : `Deleted edit ${this.label(editId)}.`);
      await this.refresh();
    } catch (error) {
      this.notices.notify('error', `Could not delete edit ${this.label(editId)}: ${describeError(error)}`);
    }
  }
}
