// Writes image | learned mask side by side as PNGs for looking at (outside the repository).
//   RENOVO_MODELS_DIR=DIR [SENSITIVITY=0.5] node look.cjs OUT_DIR FILE... (each loaded at its size, or 768 px long side if larger)
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { defaultDetectorDir, detectLearned, loadDetectorModel } from '../../../src/core/restore/detect/learned';

async function main(): Promise<void> {
  const [out, ...files] = process.argv.slice(2);
  mkdirSync(out, { recursive: true });
  const model = loadDetectorModel(defaultDetectorDir() as string);
  for (const f of files) {
    const { data, info } = await sharp(f).removeAlpha().toColourspace('srgb').resize(768, 768, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
    const W = info.width, H = info.height;
    const r = await detectLearned({ width: W, height: H, channels: 3, data: new Uint8Array(data) }, model, { sensitivity: Number(process.env.SENSITIVITY ?? 0.5) });
    const pic = new Uint8Array(W * 2 * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        pic[(y * 2 * W + x) * 3 + c] = data[(y * W + x) * 3 + c];
        // mask in red over a darkened copy
        const v = data[(y * W + x) * 3 + c] >> 1;
        pic[(y * 2 * W + W + x) * 3 + c] = r.mask[y * W + x] ? (c === 0 ? 255 : 0) : v;
      }
    }
    await sharp(Buffer.from(pic), { raw: { width: 2 * W, height: H, channels: 3 } }).png().toFile(join(out, basename(f).replace(/\.\w+$/, '.png')));
    console.log(f, (100 * r.pixels / (W * H)).toFixed(2), '%');
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
