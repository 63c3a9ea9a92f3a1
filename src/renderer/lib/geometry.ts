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
