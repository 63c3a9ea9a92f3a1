// Brush and eraser: stamp round segments into the mask being painted (the hole or the source area)
// as the pointer moves; one stroke is one undo step.
import type { MaskStore } from '../mask-store.svelte';
import { stampSegment, type Point } from '../mask-ops';
import type { MaskTool, PointerInfo, ToolContext } from './types';

export const SEGMENT_MEASURE = 'renovo:stroke-segment';

export function createBrushTool(ctx: ToolContext, eraser: boolean): MaskTool {
  let last: Point | null = null;
  let erase = eraser;
  const { editor } = ctx;
  /** The mask this stroke paints (fixed for the stroke). */
  let store: MaskStore = editor.masks.paintMask;
  const segment = (to: Point) => {
    const from = last ?? to;
    const m = store.mask;
    const t0 = performance.now();
    // Stamp into the full-resolution mask; the stage redraws the segment's dirty rectangle.
    store.strokeChanged(stampSegment(m, from, to, editor.tools.brushSize / 2, editor.tools.hardness / 100, erase));
    // User Timing entry read by bench/editor (cheap; cleared per stroke when it grows large).
    performance.measure(SEGMENT_MEASURE, { start: t0 });
    last = to;
  };
  return {
    down(p: PointerInfo) {
      if (performance.getEntriesByName(SEGMENT_MEASURE).length > 4000) performance.clearMeasures(SEGMENT_MEASURE);
      erase = eraser !== p.subtract; // Alt flips brush ↔ eraser
      store = editor.masks.paintMask;
      store.beginStroke(erase ? 'Erase' : 'Brush');
      last = null;
      segment(p.point);
    },
    move(p: PointerInfo) {
      if (last) segment(p.point);
    },
    up() {
      last = null;
      store.endStroke();
    },
    cancel() {
      last = null;
      store.endStroke();
    },
  };
}
