// Drawing the photo layer of the stage: the photo where the view puts it, over a cheap drop
// shadow, with the original over the left part in split compare. Device pixels throughout.
import type { View } from './geometry';

export interface PhotoFrame {
  view: View;
  dpr: number;
  /** The photo's full-resolution size. */
  width: number;
  height: number;
}

/** Size a canvas in device pixels (only when it changed: resizing clears it); its 2D context. */
export function fitCanvas(canvas: HTMLCanvasElement, size: { width: number; height: number }): CanvasRenderingContext2D | null {
  if (canvas.width !== size.width) canvas.width = size.width;
  if (canvas.height !== size.height) canvas.height = size.height;
  return canvas.getContext('2d');
}

function placement(f: PhotoFrame): { dx: number; dy: number; dw: number; dh: number } {
  const s = f.view.scale * f.dpr;
  return { dx: f.view.x * f.dpr, dy: f.view.y * f.dpr, dw: f.width * s, dh: f.height * s };
}

/** Clear the canvas and draw the photo's shadow and, when it is decoded, the photo. */
export function paintPhoto(ctx: CanvasRenderingContext2D, frame: PhotoFrame, image: CanvasImageSource | null): void {
  const { dx, dy, dw, dh } = placement(frame);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.imageSmoothingEnabled = frame.view.scale < 2;
  ctx.imageSmoothingQuality = 'high';
  ctx.fillStyle = 'rgba(0,0,0,0.35)';
  ctx.fillRect(dx + 6 * frame.dpr, dy + 10 * frame.dpr, dw, dh); // soft drop shadow stand-in, cheap
  if (image) ctx.drawImage(image, dx, dy, dw, dh);
}

/** Split compare: the original replaces whatever is left of device column `cut`. */
export function paintSplit(ctx: CanvasRenderingContext2D, frame: PhotoFrame, original: CanvasImageSource, cut: number): void {
  const { dx, dy, dw, dh } = placement(frame);
  const h = ctx.canvas.height;
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, cut, h);
  ctx.clip();
  ctx.clearRect(0, 0, cut, h);
  ctx.drawImage(original, dx, dy, dw, dh);
  ctx.restore();
}

/** Clear the canvas and draw image patches given in photo pixels (a removal's provisional fills). */
export function paintPatches(ctx: CanvasRenderingContext2D, frame: PhotoFrame, patches: ReadonlyArray<{ x: number; y: number; width: number; height: number; bitmap: CanvasImageSource }>): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  const { dx, dy } = placement(frame);
  const s = frame.view.scale * frame.dpr;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  for (const p of patches) ctx.drawImage(p.bitmap, dx + p.x * s, dy + p.y * s, p.width * s, p.height * s);
}
