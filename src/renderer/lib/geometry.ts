// Pure geometry for the editor stage: fitting a photo into the viewport and mapping pointer
// positions on screen to pixels of the full-resolution photo (where the mask lives).

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Largest rectangle with the image's aspect ratio that fits the container, centred. Never upscales past `maxScale`. */
export function fitRect(containerW: number, containerH: number, imageW: number, imageH: number, maxScale = Infinity): Rect {
  if (containerW <= 0 || containerH <= 0 || imageW <= 0 || imageH <= 0) return { x: 0, y: 0, width: 0, height: 0 };
  const scale = Math.min(containerW / imageW, containerH / imageH, maxScale);
  const width = Math.max(1, Math.round(imageW * scale));
  const height = Math.max(1, Math.round(imageH * scale));
  return { x: Math.round((containerW - width) / 2), y: Math.round((containerH - height) / 2), width, height };
}

/** Map a client (CSS pixel) position over an element showing the whole image to image pixel coordinates. */
export function clientToImage(
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
  imageW: number,
  imageH: number,
): { x: number; y: number } {
  const x = ((clientX - box.left) / Math.max(box.width, 1e-9)) * imageW;
  const y = ((clientY - box.top) / Math.max(box.height, 1e-9)) * imageH;
  return { x, y };
}

/** A brush of `sizeCss` CSS pixels (diameter) on screen, as a radius in image pixels. */
export function brushRadiusInImage(sizeCss: number, boxWidth: number, imageW: number): number {
  return Math.max(0.5, (sizeCss / 2) * (imageW / Math.max(boxWidth, 1e-9)));
}

// ---- The stage's view transform: screen = image · scale + offset (CSS pixels of the stage) ----

export interface View {
  /** Screen CSS pixels per image pixel (1 = 100 %). */
  scale: number;
  /** Screen position of the image's top-left corner, in stage CSS pixels. */
  x: number;
  y: number;
}

export const MIN_ZOOM = 0.01;
export const MAX_ZOOM = 32;

/** The view that shows the whole image centred in the stage, with a margin, never above 100 %. */
export function fitView(stageW: number, stageH: number, imageW: number, imageH: number, margin = 16): View {
  const r = fitRect(Math.max(1, stageW - 2 * margin), Math.max(1, stageH - 2 * margin), imageW, imageH, 1);
  const scale = r.width > 0 ? Math.min(r.width / imageW, r.height / imageH) : 1;
  return { scale, x: (stageW - imageW * scale) / 2, y: (stageH - imageH * scale) / 2 };
}

/** The view at `scale`, centred on the stage (used for 100 %). */
export function centredView(stageW: number, stageH: number, imageW: number, imageH: number, scale: number): View {
  return { scale, x: (stageW - imageW * scale) / 2, y: (stageH - imageH * scale) / 2 };
}

/** Zoom by `factor` keeping the image point under the stage position (sx, sy) fixed. */
export function zoomAt(view: View, factor: number, sx: number, sy: number, min = MIN_ZOOM, max = MAX_ZOOM): View {
  const scale = Math.min(max, Math.max(min, view.scale * factor));
  const k = scale / view.scale;
  return { scale, x: sx - (sx - view.x) * k, y: sy - (sy - view.y) * k };
}

export function screenToImage(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.x) / view.scale, y: (sy - view.y) / view.scale };
}

export function imageToScreen(view: View, ix: number, iy: number): { x: number; y: number } {
  return { x: ix * view.scale + view.x, y: iy * view.scale + view.y };
}

/** Integer rectangle helpers (x, y inclusive; width/height ≥ 0). */
export function unionRect(a: Rect | null, b: Rect): Rect {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** Clip to [0, w) × [0, h) and round outwards to whole pixels; null when empty. */
export function clipRect(r: Rect, w: number, h: number): Rect | null {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(w, Math.ceil(r.x + r.width));
  const y1 = Math.min(h, Math.ceil(r.y + r.height));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
