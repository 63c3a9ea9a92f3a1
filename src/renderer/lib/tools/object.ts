// Object tool: click a thing (or drag a box around it) to select it. GrabCut segmentation
// (../segment) runs in a web worker on the downscaled working copy of the photo; the selection is
// upsampled into the full-resolution mask being painted (the hole or the source area).
import { describeError } from '../api/errors';
import { mergeSelection, type Point } from '../mask-ops';
import type { Rect } from '../geometry';
import type { WorkingImage } from '../region';
import { segmentInWorker } from '../segment/client';
import type { MaskTool, ToolContext } from './types';

/** A drag shorter than this fraction of the photo's longer side is a click. */
const DRAG_FRACTION = 0.01;

export function createObjectTool(ctx: ToolContext): MaskTool {
  let start: Point | null = null;
  let busy = false;

  async function select(point: Point, box: Rect | null, subtract: boolean): Promise<void> {
    const { editor } = ctx;
    const t0 = performance.now();
    const photoId = editor.library.photo?.id;
    let work: WorkingImage | null;
    try {
      work = await ctx.workingImage();
    } catch (error) {
      editor.notices.notify('error', `The object tool could not read the photo: ${describeError(error)}`);
      return;
    }
    if (!work || editor.library.photo?.id !== photoId || editor.removal.job) return;
    const store = editor.masks.paintMask;
    const m = store.mask;
    const scaleX = work.width / m.width;
    const scaleY = work.height / m.height;
    const workBox = box && { x: box.x * scaleX, y: box.y * scaleY, width: box.width * scaleX, height: box.height * scaleY };
    busy = true;
    editor.tools.selecting = true;
    let region;
    try {
      region = await segmentInWorker(work, { seed: { x: point.x * scaleX, y: point.y * scaleY }, box: workBox, grow: Math.round(editor.tools.grow) });
    } catch (error) {
      editor.notices.notify('error', `The object tool failed: ${describeError(error)}`);
      return;
    } finally {
      busy = false;
      editor.tools.selecting = false;
    }
    if (!region || region.count === 0 || editor.library.photo?.id !== photoId || editor.masks.paintMask !== store) return;
    const b = region.bounds;
    // The full-resolution rectangle the selection can touch, with a pixel of slack for rounding.
    const x0 = Math.max(0, Math.floor(b.x / scaleX) - 1);
    const y0 = Math.max(0, Math.floor(b.y / scaleY) - 1);
    const area = {
      x: x0,
      y: y0,
      width: Math.min(m.width, Math.ceil((b.x + b.width) / scaleX) + 1) - x0,
      height: Math.min(m.height, Math.ceil((b.y + b.height) / scaleY) + 1) - y0,
    };
    const sel = region.selected;
    store.apply(subtract ? 'Subtract object' : 'Object', area, (mask) => mergeSelection(mask, sel, work.width, work.height, b, subtract ? 'subtract' : 'add'));
    // Click → mask updated (working copy, segmentation in the worker, upsampling, overlay), read by bench/editor.
    performance.measure('renovo:object-select', { start: t0, detail: region.count });
  }

  function dragBox(a: Point, b: Point): Rect | null {
    const m = ctx.editor.masks.paintMask.mask;
    const min = DRAG_FRACTION * Math.max(m.width, m.height);
    if (Math.abs(a.x - b.x) < min && Math.abs(a.y - b.y) < min) return null;
    return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
  }

  return {
    down(p) {
      start = busy ? null : p.point;
    },
    move(p) {
      if (start && dragBox(start, p.point)) ctx.setPreview({ kind: 'rect', a: start, b: p.point });
    },
    up(p) {
      const a = start;
      start = null;
      ctx.setPreview(null);
      if (!a) return;
      const box = dragBox(a, p.point);
      const seed = box ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : p.point;
      void select(seed, box, p.subtract);
    },
    cancel() {
      start = null;
      ctx.setPreview(null);
    },
  };
}
