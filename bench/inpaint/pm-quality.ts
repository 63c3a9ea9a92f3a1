// PatchMatch option sweep on the quality cases of bench/inpaint (run run.sh first; it writes the
// cases): mean masked PSNR over the holes >= 5 % with blend on, for the options in PM (JSON).
//   npx esbuild bench/inpaint/pm-quality.ts --bundle --platform=node --format=esm --packages=external --outfile=bench/out/pm-quality.mjs
//   PM='{"finalVoteSize":21}' node bench/out/pm-quality.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { inpaint } from '../../src/core/inpaint/index';
import { maskedPsnr } from '../../src/core/image/metrics';
import type { ImageBuffer, MaskBuffer } from '../../src/core/image/types';

const dir = process.env.DATA ?? 'bench/out/inpaint/data';
async function read(file: string): Promise<{ width: number; height: number; channels: number; data: Uint8Array }> {
  const { data, info } = await sharp(join(dir, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
const cases = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { quality: { id: string; photo: string; mask: string }[] }).quality.filter((c) => !c.id.includes('object02'));
const pm = JSON.parse(process.env.PM ?? '{}') as Record<string, number>;
let sum = 0;
const t = performance.now();
for (const c of cases) {
  const img = (await read(c.photo)) as ImageBuffer;
  const m = await read(c.mask);
  const mask: MaskBuffer = { width: m.width, height: m.height, data: Uint8Array.from({ length: m.width * m.height }, (_, p) => m.data[p * m.channels]) };
  const r = await inpaint(img, mask, { engine: 'patchmatch', seed: 1, patchmatch: pm });
  sum += maskedPsnr(r.image, img, mask);
}
console.log(`${JSON.stringify(pm)}: mean masked PSNR ${(sum / cases.length).toFixed(3)} dB over ${cases.length} holes >= 5 % in ${((performance.now() - t) / 1000).toFixed(0)} s`);
