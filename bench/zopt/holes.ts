// Images, holes and picture grids for the GAN benchmarks (bench.ts, encoder.ts, style.ts): S×S
// photos, a centre square or an object silhouette (COCO, ../shared/data/silhouettes, dilated 2 px)
// covering a given fraction of the image, and grids of S×S cells.
import sharp from 'sharp';
import type { ImageBuffer, MaskBuffer } from '../../src/core/image/types';
import type { Rng } from '../../src/core/random';

export const S = 256;
/** photos shipped by Debian's python3-skimage (out-of-sample pictures the project may show) */
export const SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data';

/** A photo as an S×S RGB image (centre crop). */
export async function loadSquare(path: string): Promise<ImageBuffer> {
  const { data, info } = await sharp(path).removeAlpha().resize(S, S, { fit: 'cover' }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** Rows of S×S images as one PNG, 4-px dark gaps. */
export async function writeGrid(grid: ImageBuffer[][], path: string): Promise<void> {
  const cols = grid[0].length, pad = 4;
  const W = cols * (S + pad) + pad, H = grid.length * (S + pad) + pad;
  const d = new Uint8Array(W * H * 3).fill(40);
  grid.forEach((row, r) => row.forEach((im, c) => {
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) for (let k = 0; k < 3; k++) d[((pad + r * (S + pad) + y) * W + pad + c * (S + pad) + x) * 3 + k] = im.data[(y * S + x) * 3 + k];
  }));
  await sharp(Buffer.from(d), { raw: { width: W, height: H, channels: 3 } }).png().toFile(path);
}

export function centreSquare(frac: number): MaskBuffer {
  const side = Math.round(Math.sqrt(frac) * S), x0 = Math.round((S - side) / 2);
  const d = new Uint8Array(S * S);
  for (let y = x0; y < x0 + side; y++) for (let x = x0; x < x0 + side; x++) d[y * S + x] = 255;
  return { width: S, height: S, data: d };
}

/** A silhouette scaled to cover `frac` of the image after a 2-px dilation, near the centre. */
export async function silhouetteMask(file: string, frac: number, rng: Rng): Promise<MaskBuffer> {
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  let on = 0;
  for (let i = 0; i < data.length; i++) if (data[i]) on++;
  const scale = Math.min(Math.sqrt((frac * S * S) / Math.max(1, on)), 150 / Math.max(info.width, info.height));
  const w = Math.max(2, Math.round(info.width * scale)), h = Math.max(2, Math.round(info.height * scale));
  const cx = S / 2 + (rng.uniform() - 0.5) * 40, cy = S / 2 + (rng.uniform() - 0.5) * 40;
  const x0 = Math.round(cx - w / 2), y0 = Math.round(cy - h / 2);
  const base = new Uint8Array(S * S);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const sx = Math.min(info.width - 1, Math.floor((x + 0.5) / scale)), sy = Math.min(info.height - 1, Math.floor((y + 0.5) / scale));
    const X = x0 + x, Y = y0 + y;
    if (X >= 0 && X < S && Y >= 0 && Y < S && data[sy * info.width + sx]) base[Y * S + X] = 1;
  }
  const d = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    if (!base[y * S + x]) continue;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
      const X = x + dx, Y = y + dy;
      if (X >= 0 && X < S && Y >= 0 && Y < S && dx * dx + dy * dy <= 4) d[Y * S + X] = 255;
    }
  }
  return { width: S, height: S, data: d };
}

