// Brush and eraser: stamp round segments into the full-resolution mask as the pointer moves; one
// stroke is one undo step.
import { stampSegment, type Point } from '../mask-ops';
import type { MaskTool, PointerInfo, ToolContext } from './types';

export function createBrushTool(ctx: ToolContext, eraser: boolean): MaskTool {
  let last: Point | null = null;
  let erase = eraser;
  const { editor } = ctx;
  const segment = (to: Point) => {
    const from = last ?? to;
    const m = editor.mask.mask;
    editor.mask.strokeChanged(stampSegment(m, from, to, editor.brushSize / 2, editor.hardness / 100, erase));
    last = to;
  };
  return {
    down(p: PointerInfo) {
      erase = eraser !== p.subtract; // Alt flips brush ↔ eraser
      editor.mask.beginStroke(erase ? 'Erase' : 'Brush');
      last = null;
      segment(p.point);
    },
    move(p: PointerInfo) {
      if (editor.mask.stroking || last) segment(p.point);
    },
    up() {
      last = null;
      editor.mask.endStroke();
    },
    cancel() {
      last = null;
      editor.mask.endStroke();
    },
  };
}
