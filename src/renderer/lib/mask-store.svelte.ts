// A mask at the photo's full resolution, the removal hole or the source area (one byte per pixel,
// $state.raw: replaced on a new photo, mutated in place by tools) with an undo/redo stack of
// rectangle patches. Listeners hear which image rectangle changed so the stage redraws only that
// part of the overlay.
import type { Rect } from './geometry';
import { unionRect } from './geometry';
import { createMask, isMaskEmpty, maskToRgba, readRect, readRectFrom, writeRect, type MaskBuffer } from './mask-ops';

interface Patch {
  rect: Rect;
  /** The pixels of `rect` on the other side of the change (before, on the undo stack). */
  data: Uint8Array;
  label: string;
}

/** Undo history is capped by memory, not by count: full-mask operations on 50 MP are 50 MB each. */
const UNDO_BYTES = 384 * 1024 * 1024;

export class MaskStore {
  mask = $state.raw<MaskBuffer>(createMask(1, 1));
  /** Bumped on every change (cheap reactive signal; the pixels themselves are not reactive). */
  version = $state(0);
  empty = $state(true);
  canUndo = $state(false);
  canRedo = $state(false);

  #undo: Patch[] = [];
  #redo: Patch[] = [];
  #listeners = new Set<(rect: Rect | null) => void>();
  /** Snapshot of the mask at the start of a stroke; reused between strokes. */
  #snapshot: Uint8Array | null = null;
  #strokeRect: Rect | null = null;
  #strokeLabel = '';
  readonly #onStep: (() => void) | undefined;

  /** `onStep` hears every new undoable step (the editor orders undo across its masks with it). */
  constructor(onStep?: () => void) {
    this.#onStep = onStep;
  }

  /** A fresh, empty mask for a photo of this size (drops the undo history). */
  reset(width: number, height: number): void {
    this.mask = createMask(width, height);
    this.#snapshot = null;
    this.#undo = [];
    this.#redo = [];
    this.#strokeRect = null;
    this.#changed(null, true);
  }

  onChange(listener: (rect: Rect | null) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  // ---- strokes: many small changes that undo as one ----

  beginStroke(label: string): void {
    const n = this.mask.data.length;
    if (!this.#snapshot || this.#snapshot.length !== n) this.#snapshot = new Uint8Array(n);
    this.#snapshot.set(this.mask.data);
    this.#strokeRect = null;
    this.#strokeLabel = label;
  }

  /** Report a rectangle a stroke segment changed (already applied to `mask.data`). */
  strokeChanged(rect: Rect | null): void {
    if (!rect) return;
    this.#strokeRect = unionRect(this.#strokeRect, rect);
    this.version++;
    for (const l of this.#listeners) l(rect);
  }

  endStroke(): void {
    const rect = this.#strokeRect;
    this.#strokeRect = null;
    if (!rect || !this.#snapshot) return;
    this.#push({ rect, data: readRectFrom(this.#snapshot, this.mask.width, rect), label: this.#strokeLabel });
    this.#changed(rect, true);
  }

  get stroking(): boolean {
    return this.#strokeRect !== null;
  }

  // ---- one-shot operations ----

  /** Run `fn` (which changes at most `area`, or the whole mask when null) as one undoable step. */
  apply(label: string, area: Rect | null, fn: (mask: MaskBuffer) => Rect | null): void {
    const full = { x: 0, y: 0, width: this.mask.width, height: this.mask.height };
    const before = area ?? full;
    const saved = readRect(this.mask, before);
    const changed = fn(this.mask);
    if (!changed) return;
    this.#push({ rect: before, data: saved, label });
    this.#changed(changed, true);
  }

  clear(): void {
    if (this.empty) return;
    this.apply('Clear mask', null, (m) => {
      m.data.fill(0);
      return { x: 0, y: 0, width: m.width, height: m.height };
    });
  }

  undo(): boolean {
    return this.#swap(this.#undo, this.#redo);
  }

  /** Forget the redo steps (a new step on another mask makes them unreachable). */
  dropRedo(): void {
    this.#redo = [];
    this.canRedo = false;
  }

  redo(): boolean {
    return this.#swap(this.#redo, this.#undo);
  }

  /** Opaque grey PNG (white = marked) at full resolution, for startInpaint. */
  async encodePng(): Promise<Uint8Array<ArrayBuffer>> {
    const { width, height } = this.mask;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    const image = new ImageData(maskToRgba(this.mask) as Uint8ClampedArray<ArrayBuffer>, width, height);
    ctx.putImageData(image, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    return new Uint8Array(await blob.arrayBuffer());
  }

  #swap(from: Patch[], to: Patch[]): boolean {
    const patch = from.pop();
    if (!patch) return false;
    const current = readRect(this.mask, patch.rect);
    writeRect(this.mask, patch.rect, patch.data);
    to.push({ rect: patch.rect, data: current, label: patch.label });
    this.#changed(patch.rect, true);
    return true;
  }

  #push(patch: Patch): void {
    this.#undo.push(patch);
    this.#redo = [];
    this.#onStep?.();
    let bytes = 0;
    for (let i = this.#undo.length - 1; i >= 0; i--) {
      bytes += this.#undo[i]!.data.byteLength;
      if (bytes > UNDO_BYTES) {
        this.#undo.splice(0, i + 1);
        break;
      }
    }
  }

  #changed(rect: Rect | null, recheck: boolean): void {
    if (recheck) this.empty = isMaskEmpty(this.mask);
    this.canUndo = this.#undo.length > 0;
    this.canRedo = this.#redo.length > 0;
    this.version++;
    for (const l of this.#listeners) l(rect);
  }
}
