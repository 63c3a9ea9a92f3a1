// What the kernel worker buys: PatchMatch inpaint (fill + blend) and seamlessClone on the
// 2000×1500 / 5 % speed case of bench/inpaint (run run.sh first), median of ROUNDS after a warm-up.
// bench/inpaint/threads.sh runs it alternately with RENOVO_THREADS=1 (one thread) and without.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { inpaint } from '../../src/core/inpaint/index';
import { seamlessClone } from '../../src/core/blend/poisson';
import type { ImageBuffer, MaskBuffer } from '../../src/core/image/types';

const dir = process.env.DATA ?? 'bench/out/inpaint/data';
const ROUNDS = Number(process.env.ROUNDS ?? 5);
async function read(file: string): Promise<ImageBuffer> {
  const { data, info } = await sharp(join(dir, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels as 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
const c = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { speed: { photo: string; mask: string; src: string }[] }).speed[0];
const img = await read(c.photo);
const src = await read(c.src);
const m = await read(c.mask);
const mask: MaskBuffer = { width: m.width, height: m.height, data: Uint8Array.from({ length: m.width * m.height }, (_, p) => m.data[p * m.channels]) };
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];
const time = async (f: () => unknown): Promise<number[]> => {
  await f(); // warm-up (JIT, worker start)
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) { const t = performance.now(); await f(); out.push(performance.now() - t); }
  return out;
};
const pm = await time(() => inpaint(img, mask, { engine: 'patchmatch', seed: 1 }));
const clone = await time(() => seamlessClone(img, src, mask));
console.log(JSON.stringify({ threads: process.env.RENOVO_THREADS === '1' ? 1 : 2, patchmatchMs: Math.round(median(pm)), cloneMs: Math.round(median(clone)), rounds: ROUNDS }));
