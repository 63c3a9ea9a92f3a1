// Object tool: click a thing to select it. Region growing runs on a downscaled working copy of the
// photo (see ../region.ts) and the selection is upsampled into the full-resolution mask being
// painted (the hole or the source area).
import { describeError } from '../api/errors';
import { mergeSelection, type Point } from '../mask-ops';
import { growRegion, type WorkingImage } from '../region';
import type { MaskTool, ToolContext } from './types';

export function createObjectTool(ctx: ToolContext): MaskTool {
  async function select(point: Point, subtract: boolean): Promise<void> {
    const { editor } = ctx;
    const t0 = performance.now();
    const photoId = editor.photo?.id;
    let work: WorkingImage | null;
    try {
      work = await ctx.workingImage();
    } catch (error) {
      editor.notify('error', `The object tool could not read the photo: ${describeError(error)}`);
      return;
    }
    if (!work || editor.photo?.id !== photoId || editor.job) return;
    const store = editor.paintMask;
    const m = store.mask;
    const scaleX = work.width / m.width;
    const scaleY = work.height / m.height;
    const region = growRegion(work, point.x * scaleX, point.y * scaleY, {
      tolerance: editor.tolerance,
      grow: Math.round(editor.grow),
    });
    if (!region || region.count === 0) return;
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
    store.apply(subtract ? 'Subtract object' : 'Object', area, (mask) =>
      mergeSelection(mask, region.selected, work.width, work.height, b, subtract ? 'subtract' : 'add'),
    );
    // Click → mask updated (working copy, region growing, upsampling, overlay), read by bench/editor.
    performance.measure('renovo:object-select', { start: t0, detail: region.count });
  }

  return {
    down() {},
    move() {},
    up(p) {
      void select(p.point, p.subtract);
    },
    cancel() {},
  };
}
