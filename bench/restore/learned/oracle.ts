// Oracle for issue 13's synthetic target: eval.ts's synthetic held-out split (same photos, aging
// and damage seeds) repaired with the generator's own damage mask instead of a detected one, by
// fast marching alone and by the engine's auto choice (fast marching for thin holes, PatchMatch for
// wide ones), the mask as drawn or grown by 1–2 px. How much of the damage error a perfect
// detector would let the repair remove.
//   npx esbuild bench/restore/learned/oracle.ts --bundle --platform=node --format=cjs \
//     --external:onnxruntime-node --external:sharp --external:better-sqlite3 --outfile=bench/out/oracle.cjs
//   NODE_PATH=node_modules node bench/out/oracle.cjs [DATA=../shared/data]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageBuffer } from '../../../src/core/image/types';
import { agePhoto, generateDamage } from '../../../src/core/restore/damage/generate';
import { loadFilmMarks } from '../../../src/core/restore/damage/film';
import { inpaint } from '../../../src/core/inpaint';
import { defaultDetectorDir } from '../../../src/core/restore/detect/learned';

async function load(file: string, long: number): Promise<ImageBuffer> {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').resize(long, long, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}
function removed(clean: ImageBuffer, before: ImageBuffer, after: ImageBuffer, mask: Uint8Array): number {
  let eb = 0, ea = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) for (let c = 0; c < 3; c++) { const o = i * 3 + c; eb += Math.abs(before.data[o] - clean.data[o]); ea += Math.abs(after.data[o] - clean.data[o]); }
  return 1 - ea / Math.max(1e-9, eb);
}
function dilate(m: Uint8Array, w: number, h: number, r: number): Uint8Array {
  if (r === 0) return m;
  const out = new Uint8Array(m.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (m[y * w + x]) for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) { const yy = y + dy, xx = x + dx; if (yy >= 0 && yy < h && xx >= 0 && xx < w) out[yy * w + xx] = 255; }
  return out;
}
async function main() {
  const data = process.argv[2] ?? '../shared/data';
  const held = (JSON.parse(readFileSync(join(defaultDetectorDir() as string, 'manifest.json'), 'utf8')) as { data: { heldOut: { files: string[] } } }).data.heldOut.files;
  const pick = [...held.filter((f) => f.startsWith('landscapes/')).slice(0, 6), ...held.filter((f) => f.startsWith('faces/')).slice(0, 6)];
  const film = await loadFilmMarks(join(data, 'scratches/film-aa-masks'), 4);
  const res: Record<string, number[]> = {};
  for (let i = 0; i < pick.length; i++) {
    const clean = agePhoto(await load(join(data, pick[i]), 768), { seed: 500 + i });
    const d = generateDamage(clean, { seed: 900 + i, film });
    const W = clean.width, H = clean.height;
    const m255 = Uint8Array.from(d.mask, (v) => (v ? 255 : 0));
    const variants: [string, 'telea' | 'auto', number][] = [['telea r0', 'telea', 0], ['telea r1', 'telea', 1], ['auto r0', 'auto', 0], ['auto r1', 'auto', 1], ['auto r2', 'auto', 2]];
    for (const [name, engine, r] of variants) {
      const mask = { width: W, height: H, data: dilate(m255, W, H, r) };
      const out = await inpaint(d.image, mask, { engine, seed: 1 });
      (res[name] ??= []).push(removed(clean, d.image, out.image, d.mask));
    }
    process.stdout.write('.');
  }
  console.log();
  for (const [k, v] of Object.entries(res)) { const s = [...v].sort((a, b) => a - b); console.log(k, 'mean %', (100 * v.reduce((a, b) => a + b, 0) / v.length).toFixed(1), 'median', (100 * s[s.length >> 1]).toFixed(1), 'worst', (100 * s[0]).toFixed(1)); }
}
main();
