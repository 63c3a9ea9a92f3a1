// What a mask tool gets from the stage, and what it gives back. One tool = one module, one job.
import type { EditorStore } from '../editor/store.svelte';
import type { Point } from '../mask-ops';
import type { WorkingImage } from '../region';

export type ShapePreview = { kind: 'rect'; a: Point; b: Point } | { kind: 'lasso'; points: Point[] } | null;

export interface ToolContext {
  editor: EditorStore;
  /** Show (or hide, with null) the outline of a selection being drawn, in image coordinates. */
  setPreview(preview: ShapePreview): void;
  /** The photo on stage, downscaled for analysis (object tool); null without a photo. */
  workingImage(): Promise<WorkingImage | null>;
}

export interface PointerInfo {
  /** Image (full-resolution) coordinates. */
  point: Point;
  /** Alt held: erase / subtract. */
  subtract: boolean;
}

export interface MaskTool {
  down(p: PointerInfo): void;
  move(p: PointerInfo): void;
  up(p: PointerInfo): void;
  /** Abandon what is in progress (Escape, pointer cancel). */
  cancel(): void;
}
