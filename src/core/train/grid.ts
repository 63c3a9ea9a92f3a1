/** Sample grids: NCHW images in [-1, 1] tiled into one PNG. */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

function tileGrid(images: Float32Array, n: number, channels: number, size: number, cols = Math.ceil(Math.sqrt(n)), pad = 2): { rgb: Uint8Array; width: number; height: number } {
  const rows = Math.ceil(n / cols);
  const width = cols * size + (cols + 1) * pad;
  const height = rows * size + (rows + 1) * pad;
  const rgb = new Uint8Array(width * height * 3).fill(32);
  const plane = size * size;
  for (let i = 0; i < n; i++) {
    const ox = pad + (i % cols) * (size + pad);
    const oy = pad + Math.floor(i / cols) * (size + pad);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = ((oy + y) * width + ox + x) * 3;
        for (let c = 0; c < 3; c++) {
          const v = images[i * channels * plane + Math.min(c, channels - 1) * plane + y * size + x];
          rgb[o + c] = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
        }
      }
    }
  }
  return { rgb, width, height };
}

/**
 * `palette`: 256 dithered colours instead of true colour, for grids committed to the repository (a
 * 128-px model's 8×8 grid is 2.9 MB in true colour, 0.7 MB with a palette).
 */
export async function writeGridPng(path: string, images: Float32Array, n: number, channels: number, size: number, o: { palette?: boolean } = {}): Promise<void> {
  const { rgb, width, height } = tileGrid(images, n, channels, size);
  const png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length), { raw: { width, height, channels: 3 } })
    .png(o.palette ? { palette: true, quality: 90, compressionLevel: 9, effort: 10 } : { compressionLevel: 9 }).toBuffer();
  await writeFile(path, png);
}
