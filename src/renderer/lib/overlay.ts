// Renders the full-resolution mask into the display-sized overlay canvas: only the device-pixel
// rectangle that changed, by nearest-neighbour sampling through the view transform. The full mask is
// never re-encoded or copied per frame.
import { clipRect, type Rect, type View } from './geometry';
import type { MaskBuffer } from './mask-ops';

export interface OverlayStyle {
  /** [r, g, b] 0–255 */
  colour: [number, number, number];
  /** 0–1 */
  opacity: number;
}

/** The device-pixel rectangle of the overlay that shows the image rectangle `r`. */
export function imageRectToDevice(r: Rect, view: View, dpr: number, deviceW: number, deviceH: number): Rect | null {
  const s = view.scale * dpr;
  return clipRect(
    { x: (r.x * view.scale + view.x) * dpr - 1, y: (r.y * view.scale + view.y) * dpr - 1, width: r.width * s + 2, height: r.height * s + 2 },
    deviceW,
    deviceH,
  );
}

/**
 * Fill `out` (RGBA, `dev.width`×`dev.height`, the device rectangle `dev` of the overlay) with the
 * mask as seen through `view`.
 */
export function renderOverlayRect(out: Uint8ClampedArray, dev: Rect, mask: MaskBuffer, view: View, dpr: number, style: OverlayStyle): void {
  const s = view.scale * dpr;
  const ox = view.x * dpr;
  const oy = view.y * dpr;
  const cols = new Int32Array(dev.width);
  for (let x = 0; x < dev.width; x++) {
    const ix = Math.floor((dev.x + x + 0.5 - ox) / s);
    cols[x] = ix >= 0 && ix < mask.width ? ix : -1;
  }
  const [cr, cg, cb] = style.colour;
  const alpha = Math.max(0, Math.min(1, style.opacity));
  const lut = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(v * alpha);
  const data = mask.data;
  for (let y = 0; y < dev.height; y++) {
    const iy = Math.floor((dev.y + y + 0.5 - oy) / s);
    let o = y * dev.width * 4;
    if (iy < 0 || iy >= mask.height) {
      out.fill(0, o, o + dev.width * 4);
      continue;
    }
    const row = iy * mask.width;
    for (let x = 0; x < dev.width; x++, o += 4) {
      const ix = cols[x]!;
      const v = ix < 0 ? 0 : data[row + ix]!;
      out[o] = cr;
      out[o + 1] = cg;
      out[o + 2] = cb;
      out[o + 3] = lut[v]!;
    }
  }
}

export interface OverlayLayer {
  mask: MaskBuffer;
  style: OverlayStyle;
}

/**
 * renderOverlayRect for several masks, the first at the bottom, each later one composited over
 * it ("over", straight alpha as ImageData wants). One layer costs the same as renderOverlayRect.
 */
export function renderOverlayLayers(out: Uint8ClampedArray, dev: Rect, layers: OverlayLayer[], view: View, dpr: number): void {
  const [bottom, ...rest] = layers;
  if (!bottom) {
    out.fill(0);
    return;
  }
  renderOverlayRect(out, dev, bottom.mask, view, dpr, bottom.style);
  if (rest.length === 0) return;
  const top = new Uint8ClampedArray(out.length);
  for (const layer of rest) {
    renderOverlayRect(top, dev, layer.mask, view, dpr, layer.style);
    for (let o = 0; o < out.length; o += 4) {
      const at = top[o + 3]!;
      if (at === 0) continue;
      const ab = out[o + 3]! * (1 - at / 255);
      const a = at + ab;
      for (let c = 0; c < 3; c++) out[o + c] = (top[o + c]! * at + out[o + c]! * ab) / a;
      out[o + 3] = a;
    }
  }
}

export function parseHexColour(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return [255, 64, 96];
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
