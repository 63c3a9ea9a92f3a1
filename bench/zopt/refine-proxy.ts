// The GAN-guided PatchMatch refinement (src/core/inpaint/gan/refine.ts) with a perfect 64×64
// "GAN": the fill is the truth at model resolution, upsampled. Masked PSNR and how much of the
// true texture (gradient energy) the refined 64-px hole of a 128-px window gets back.
//   npx esbuild bench/zopt/refine-proxy.ts --bundle --platform=node --format=esm --packages=external --outfile=bench/out/refine-proxy.mjs
//   node bench/out/refine-proxy.mjs [IMAGE ...]   (default: three skimage photos and two held-out landscapes)
import sharp from 'sharp';
import { refineGanFill } from '../../src/core/inpaint/gan/refine';
import { modelToWindow, windowToModel } from '../../src/core/inpaint/gan/window';
const S = 128, R = 64, C = 3;
const SK = '/usr/lib/python3/dist-packages/skimage/data';
const LAND = `${process.env.DATA ?? '../shared/data'}/landscapes`; // held out from models/landscape-dcgan64
const files = process.argv.length > 2 ? process.argv.slice(2) : [`${SK}/grass.png`, `${SK}/rocket.jpg`, `${LAND}/17c8c9072a.jpg`, `${LAND}/bed803c046.jpg`, `${SK}/brick.png`];
const gw = process.env.GW ? Number(process.env.GW) : undefined;
let tp = 0, tg = 0, n = 0;
for (const f of files) {
  const { data } = await sharp(f).removeAlpha().toColourspace('srgb').resize(256, 256, { fit: 'cover' }).extract({ left: 64, top: 64, width: S, height: S }).raw().toBuffer({ resolveWithObject: true });
  const img = Float32Array.from(data);
  const hole = new Uint8Array(S * S);
  for (let y = 32; y < 96; y++) for (let x = 32; x < 96; x++) hole[y * S + x] = 1;
  // a perfect 64×64 GAN: the truth at model resolution
  const { y } = windowToModel(img, new Uint8Array(S * S), S, C, R, 3);
  const fill = modelToWindow(y, R, 3, S, C);
  for (let p = 0; p < S * S; p++) if (!hole[p]) for (let c = 0; c < C; c++) fill[p * C + c] = img[p * C + c];
  const r = refineGanFill({ data: img, hole, side: S, C, fill, composite: y, R, nc: 3 }, { seed: 1, ...(gw !== undefined ? { guideWeight: gw } : {}) });
  let se = 0, m = 0, gOut = 0, gTrue = 0;
  for (let yy = 33; yy < 95; yy++) for (let x = 33; x < 95; x++) {
    const p = yy * S + x;
    for (let c = 0; c < C; c++) { const e = r.values[p * C + c] - img[p * C + c]; se += e * e; m++; }
    gOut += Math.abs(r.values[p * C] - r.values[(p + 1) * C]) + Math.abs(r.values[p * C] - r.values[(p + S) * C]);
    gTrue += Math.abs(img[p * C] - img[(p + 1) * C]) + Math.abs(img[p * C] - img[(p + S) * C]);
  }
  const psnr = 10 * Math.log10(255 * 255 / (se / m));
  tp += psnr; tg += gOut / gTrue; n++;
}
console.log(`guide weight ${gw ?? 'default'}: mean masked PSNR ${(tp / n).toFixed(2)}, gradient energy ${((100 * tg) / n).toFixed(0)} % of the truth's over ${n} windows`);
