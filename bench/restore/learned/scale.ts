// Does the learned detector give the same mask for the same print at two sizes? (issue 13: "the
// same print scanned at 500 px or at 6000 px gets the same mask"). An aged procedural print with
// cracks, scratches and flaking at 900×600 and the same image made half as large; the two masks are
// compared on the fine grid (the half-size mask enlarged, nearest) and on the coarse one (a coarse
// pixel is damage if any of its four fine pixels is). The same case as learned.test.ts, over seeds;
// for the U-Net alone and for the joined detector restoration runs (detect/combined.ts).
//   RENOVO_MODELS_DIR=DIR node scale.cjs [SEEDS=8,9,10]
import sharp from 'sharp';
import { synthPhoto } from '../../../test/fixtures/synth';
import { agePhoto, generateDamage } from '../../../src/core/restore/damage/generate';
import { defaultDetectorDir, detectLearned, loadDetectorModel } from '../../../src/core/restore/detect/learned';
import { detectCombined } from '../../../src/core/restore/detect/combined';

const enlarge = (m: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array => {
  const o = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) o[y * W + x] = m[Math.floor((y * h) / H) * w + Math.floor((x * w) / W)];
  return o;
};
const anyHalf = (m: Uint8Array, W: number, H: number): Uint8Array => {
  const w = W / 2;
  const o = new Uint8Array(w * (H / 2));
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (m[y * W + x]) o[(y >> 1) * w + (x >> 1)] = 255;
  return o;
};
const iou = (a: Uint8Array, b: Uint8Array): number => {
  let i = 0, u = 0;
  for (let k = 0; k < a.length; k++) {
    if (a[k] && b[k]) i++;
    if (a[k] || b[k]) u++;
  }
  return u ? i / u : 1;
};

async function main(): Promise<void> {
  const model = loadDetectorModel(defaultDetectorDir() as string);
  const seeds = (process.argv[2] ?? '8,9,10').split(',').map(Number);
  for (const seed of seeds) {
    const print = agePhoto(synthPhoto(900, 600, { seed }), { seed: 3 });
    const dmg = generateDamage(print, { seed: 12, kinds: ['cracks', 'scratches', 'flaking'] });
    const half = await sharp(Buffer.from(dmg.image.data), { raw: { width: 900, height: 600, channels: 3 } }).resize(450, 300).raw().toBuffer();
    const a = await detectLearned(dmg.image, model, {});
    const b = await detectLearned({ width: 450, height: 300, channels: 3, data: new Uint8Array(half) }, model, {});
    console.log(JSON.stringify({ seed, iouFine: +iou(a.mask, enlarge(b.mask, 450, 300, 900, 600)).toFixed(3), iouCoarse: +iou(anyHalf(a.mask, 900, 600), b.mask).toFixed(3), flagged900: a.pixels, flagged450: b.pixels }));
    // the mask restoration uses: the U-Net joined with the classical detector (not scale-normalised)
    const ja = (await detectCombined(dmg.image, model)).mask.data;
    const jb = (await detectCombined({ width: 450, height: 300, channels: 3, data: new Uint8Array(half) }, model)).mask.data;
    console.log(JSON.stringify({ seed, joined: true, iouFine: +iou(ja, enlarge(jb, 450, 300, 900, 600)).toFixed(3), iouCoarse: +iou(anyHalf(ja, 900, 600), jb).toFixed(3) }));
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
