// Object tool: click a thing to select it. Region growing runs on a downscaled working copy of the
// photo (see ../region.ts) and the selection is upsampled into the full-resolution mask.
import { mergeSelection } from '../mask-ops';
import { growRegion } from '../region';
import type { MaskTool, ToolContext } from './types';

export function createObjectTool(ctx: ToolContext): MaskTool {
  return {
    down() {},
    move() {},
    up(p) {
      const { editor } = ctx;
      const work = ctx.workingImage();
      if (!work) {
        editor.notify('info', 'The photo is still loading; try again in a moment.');
        return;
      }
      const t0 = performance.now();
      const m = editor.mask.mask;
      const scaleX = work.width / m.width;
      const scaleY = work.height / m.height;
      const region = growRegion(work, p.point.x * scaleX, p.point.y * scaleY, {
        tolerance: editor.tolerance,
        grow: Math.round(editor.grow),
      });
      if (!region || region.count === 0) return;
      const b = region.bounds;
      // The full-resolution rectangle the selection can touch, with a pixel of slack for rounding.
      const area = {
        x: Math.max(0, Math.floor(b.x / scaleX) - 1),
        y: Math.max(0, Math.floor(b.y / scaleY) - 1),
        width: 0,
        height: 0,
      };
      area.width = Math.min(m.width, Math.ceil((b.x + b.width) / scaleX) + 1) - area.x;
      area.height = Math.min(m.height, Math.ceil((b.y + b.height) / scaleY) + 1) - area.y;
      editor.mask.apply(p.subtract ? 'Subtract object' : 'Object', area, (mask) =>
        mergeSelection(mask, region.selected, work.width, work.height, b, p.subtract ? 'subtract' : 'add'),
      );
      // Click → mask updated (region growing + upsampling + overlay), read by bench/editor.
      performance.measure('renovo:object-select', { start: t0, detail: region.count });
    },
    cancel() {},
  };
}
