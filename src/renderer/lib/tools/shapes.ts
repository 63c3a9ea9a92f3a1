// Rectangle and lasso selections: drag an outline (shown as a preview), fill it into the mask on
// release. Alt subtracts from the mask instead.
import { fillPolygon, fillRect, type Point } from '../mask-ops';
import type { MaskTool, PointerInfo, ToolContext } from './types';

export function createRectTool(ctx: ToolContext): MaskTool {
  let start: Point | null = null;
  return {
    down(p) {
      start = p.point;
      ctx.setPreview({ kind: 'rect', a: start, b: start });
    },
    move(p) {
      if (start) ctx.setPreview({ kind: 'rect', a: start, b: p.point });
    },
    up(p: PointerInfo) {
      const a = start;
      start = null;
      ctx.setPreview(null);
      if (!a || (Math.abs(a.x - p.point.x) < 1 && Math.abs(a.y - p.point.y) < 1)) return;
      const area = { x: Math.min(a.x, p.point.x), y: Math.min(a.y, p.point.y), width: Math.abs(a.x - p.point.x), height: Math.abs(a.y - p.point.y) };
      const m = ctx.editor.masks.paintMask.mask;
      const rect = clampArea(area, m.width, m.height);
      if (!rect) return;
      ctx.editor.masks.paintMask.apply(p.subtract ? 'Subtract rectangle' : 'Rectangle', rect, (mask) => fillRect(mask, a, p.point, p.subtract ? 0 : 255));
    },
    cancel() {
      start = null;
      ctx.setPreview(null);
    },
  };
}

export function createLassoTool(ctx: ToolContext): MaskTool {
  let points: Point[] | null = null;
  return {
    down(p) {
      points = [p.point];
      ctx.setPreview({ kind: 'lasso', points });
    },
    move(p) {
      if (!points) return;
      const last = points[points.length - 1]!;
      if (Math.hypot(last.x - p.point.x, last.y - p.point.y) < 0.5) return;
      points = [...points, p.point];
      ctx.setPreview({ kind: 'lasso', points });
    },
    up(p) {
      const poly = points;
      points = null;
      ctx.setPreview(null);
      if (!poly || poly.length < 3) return;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const q of poly) {
        x0 = Math.min(x0, q.x); y0 = Math.min(y0, q.y); x1 = Math.max(x1, q.x); y1 = Math.max(y1, q.y);
      }
      const m = ctx.editor.masks.paintMask.mask;
      const rect = clampArea({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, m.width, m.height);
      if (!rect) return;
      ctx.editor.masks.paintMask.apply(p.subtract ? 'Subtract lasso' : 'Lasso', rect, (mask) => fillPolygon(mask, poly, p.subtract ? 0 : 255));
    },
    cancel() {
      points = null;
      ctx.setPreview(null);
    },
  };
}

function clampArea(r: { x: number; y: number; width: number; height: number }, w: number, h: number) {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(w, Math.ceil(r.x + r.width) + 1);
  const y1 = Math.min(h, Math.ceil(r.y + r.height) + 1);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}
