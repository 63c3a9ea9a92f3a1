// The two masks the tools paint, at the photo's full resolution: the hole to fill and the source
// area the fill may copy from (Content-Aware Fill's sampling area), which one the tools paint now,
// and undo/redo across both in the order the steps were made.
import type { SourceAreaMode } from '../../../shared/contract';
import { MaskStore } from '../mask-store.svelte';

/** Which mask the tools paint: the hole to fill, or the source area the fill may copy from. */
export type PaintLayer = 'hole' | 'source';

/** Source-area tints, apart from the hole overlay: green = copy from here, blue = never from here. */
export const SOURCE_TINTS: Record<SourceAreaMode, string> = { include: '#2fd27a', exclude: '#4d8dff' };
export const SOURCE_OPACITY = 0.45;

export class MaskLayers {
  /** The hole mask and its undo stack. */
  readonly hole: MaskStore = new MaskStore(() => this.#stepped(this.hole));
  /** The source area, painted with the same tools. */
  readonly source: MaskStore = new MaskStore(() => this.#stepped(this.source));
  paintLayer = $state<PaintLayer>('hole');
  /** include: the fill copies only from the source area; exclude: never from it. */
  sourceMode = $state<SourceAreaMode>('include');

  readonly holePainted = $derived(!this.hole.empty);
  readonly sourcePainted = $derived(!this.source.empty);
  /** The mask the tools paint into now. */
  readonly paintMask = $derived(this.paintLayer === 'source' ? this.source : this.hole);
  readonly canUndo = $derived(this.hole.canUndo || this.source.canUndo);
  readonly canRedo = $derived(this.hole.canRedo || this.source.canRedo);

  /** Which mask took each undoable step, oldest first, so undo/redo follow the order they were made in. */
  #undoOrder: MaskStore[] = [];
  #redoOrder: MaskStore[] = [];

  constructor(
    /** True while a removal runs: the masks are what it was sent, not to be changed. */
    private readonly locked: () => boolean,
    private readonly hasPhoto: () => boolean,
  ) {}

  /** Fresh, empty masks for a photo of this size (their undo history dropped); the tools paint the hole. */
  reset(width: number, height: number): void {
    this.paintLayer = 'hole';
    this.hole.reset(width, height);
    this.source.reset(width, height);
    this.#undoOrder = [];
    this.#redoOrder = [];
  }

  togglePaintLayer(): void {
    this.paintLayer = this.paintLayer === 'hole' ? 'source' : 'hole';
  }

  /** Clears the mask being painted (the hole or the source area). */
  clear(): void {
    if (!this.locked()) this.paintMask.clear();
  }

  clearSource(): void {
    if (!this.locked()) this.source.clear();
  }

  invert(): void {
    if (!this.hasPhoto() || this.locked()) return;
    this.paintMask.apply('Invert', null, (m) => {
      for (let i = 0; i < m.data.length; i++) m.data[i] = 255 - m.data[i]!;
      return { x: 0, y: 0, width: m.width, height: m.height };
    });
  }

  /** Replaces a mask with stored pixels (RGBA, marked where red > 0), as one undoable step. */
  fill(store: MaskStore, rgba: Uint8ClampedArray, label: string): void {
    store.apply(label, null, (m) => {
      for (let i = 0, o = 0; i < m.data.length; i++, o += 4) m.data[i] = rgba[o]! > 0 ? 255 : 0;
      return { x: 0, y: 0, width: m.width, height: m.height };
    });
  }

  /** Undo the most recent mask step, hole or source area; false when neither has one. */
  undo(): boolean {
    while (this.#undoOrder.length > 0) {
      const store = this.#undoOrder.pop()!;
      if (store.undo()) {
        this.#redoOrder.push(store);
        return true;
      }
    }
    return false;
  }

  redo(): boolean {
    while (this.#redoOrder.length > 0) {
      const store = this.#redoOrder.pop()!;
      if (store.redo()) {
        this.#undoOrder.push(store);
        return true;
      }
    }
    return false;
  }

  #stepped(store: MaskStore): void {
    this.#undoOrder.push(store);
    this.#redoOrder = [];
    for (const other of [this.hole, this.source]) if (other !== store) other.dropRedo();
  }
}
