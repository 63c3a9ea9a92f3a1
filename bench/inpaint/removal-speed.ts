// Object-removal speed (issue 12 targets: ≤ 1.5 s at 2000×1500 with a 5 % hole, ≤ 3 s at 12 MP
// with a 5 % hole, peak memory < 1 GB): the default engine (auto → PatchMatch, Poisson blend) and
// the pre-issue-12 settings on the same photo and hole, median of ROUNDS after a warm-up. The photo
// is skimage's coffee (shipped by Debian's python3-skimage) upscaled with grain, the hole an
// object-like blob; no file is written.
//   node_modules/.bin/esbuild bench/inpaint/removal-speed.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=bench/out/removal-speed.mjs && node bench/out/removal-speed.mjs
// RENOVO_THREADS=1 runs it on one thread (the result is bit-identical; the hash says so).
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { inpaint, type PatchMatchTuning } from '../../src/core/inpaint/index';
import type { ImageBuffer, MaskBuffer } from '../../src/core/image/types';

const PHOTO = process.env.PHOTO ?? '/usr/lib/python3/dist-packages/skimage/data/coffee.png';
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const LEGACY: PatchMatchTuning = { textureWeight: 0, coarseInit: 'membrane', reconstruction: 'vote', voteSize: 15, finalVoteSize: 27, coarsestHole: 2, fineSearch: 1e9, sharpLevels: 0, searchMargin: 0.75, halo: 0, hedgeShading: false, matchDetail: false };

/** The photo upscaled to w×h with Gaussian-ish grain (σ≈4), so it is not unnaturally smooth. */
async function photo(w: number, h: number): Promise<ImageBuffer> {
  const { data } = await sharp(PHOTO).removeAlpha().resize(w, h, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true });
  let s = 7;
  const rand = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(data[i] + 4 * (rand() + rand() + rand() - 1.5) * 2)));
  return { width: w, height: h, channels: 3, data: out };
}

/** An object-like blob (an ellipse with a wobbling outline) covering `frac` of the photo. */
function blob(w: number, h: number, frac: number): MaskBuffer {
  const cx = w * 0.45, cy = h * 0.55;
  const area = frac * w * h, a = Math.sqrt(area / Math.PI / 1.6), b = 1.6 * a; // taller than wide, like a person
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const t = Math.atan2(y - cy, x - cx);
    const k = 1 + 0.12 * Math.sin(3 * t) + 0.06 * Math.sin(7 * t + 1);
    if (((x - cx) / (a * k)) ** 2 + ((y - cy) / (b * k)) ** 2 < 1) data[y * w + x] = 255;
  }
  return { width: w, height: h, data };
}

const median = (v: number[]): number => [...v].sort((x, y) => x - y)[v.length >> 1];
const SIZES: (readonly [number, number])[] = process.env.SIZES === 'small' ? [[2000, 1500]] : process.env.SIZES === 'large' ? [[4000, 3000]] : [[2000, 1500], [4000, 3000]];
for (const [w, h] of SIZES) {
  const img = await photo(w, h);
  const mask = blob(w, h, 0.05);
  const holeFrac = mask.data.reduce((n, v) => n + (v ? 1 : 0), 0) / (w * h);
  // TUNING='{"textureWeight":0}' times one variant of the new engine instead
  const variants: [string, PatchMatchTuning | undefined][] = process.env.TUNING ? [[process.env.TUNING, JSON.parse(process.env.TUNING) as PatchMatchTuning]] : [['new', undefined], ['old', LEGACY]];
  for (const [name, patchmatch] of variants) {
    const run = (): ReturnType<typeof inpaint> => inpaint(img, mask, { engine: 'auto', seed: 1, patchmatch });
    const first = await run(); // warm-up (JIT, kernel worker start)
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) { const t = performance.now(); await run(); ms.push(performance.now() - t); }
    const hash = createHash('sha256').update(first.image.data).digest('hex').slice(0, 12);
    console.log(JSON.stringify({ size: `${w}x${h}`, hole: +holeFrac.toFixed(4), engine: name, threads: process.env.RENOVO_THREADS === '1' ? 1 : 2, medianMs: Math.round(median(ms)), ms: ms.map(Math.round), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), hash }));
  }
}
