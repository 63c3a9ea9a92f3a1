// Generates the synthetic scan set for the batch benchmark (never uses files from ../shared):
// 3000×2000 procedural photos with scratches, dust, fading/cast; some monochrome and sepia.
// Usage: node gen.mjs OUT_DIR COUNT [BIG_OUT]   (BIG_OUT: also write one 50-megapixel scan there)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { addDamage, fade, synthPhoto } from '../../test/fixtures/synth';

async function main(): Promise<void> {
  const [out, countArg, big] = process.argv.slice(2);
  const count = Number(countArg ?? 12);
  await mkdir(out, { recursive: true });
  for (let i = 0; i < count; i++) {
    const tone = i % 6 === 4 ? 'mono' : i % 6 === 5 ? 'sepia' : 'colour';
    const photo = synthPhoto(3000, 2000, { seed: 500 + i, tone });
    const d = addDamage(photo, { seed: 900 + i, scratches: 6, dust: 60 });
    const img = i % 2 === 0 ? fade(d.image, tone === 'colour' ? {} : { cast: [1, 1, 1] }) : d.image;
    const jpeg = await sharp(img.data, { raw: { width: 3000, height: 2000, channels: 3 } })
      .withExif({ IFD0: { Copyright: 'Renovo bench', Artist: 'synthetic' } })
      .jpeg({ quality: 90 })
      .toBuffer();
    await writeFile(join(out, `scan_${String(i).padStart(3, '0')}.jpg`), jpeg);
  }
  if (big) {
    // 8660×5774 ≈ 50 MP: a 3000×2000 photo upscaled (lanczos), then damage drawn at full size
    await mkdir(big, { recursive: true });
    const W = 8660, H = 5774;
    const base = synthPhoto(3000, 2000, { seed: 77 });
    const up = await sharp(base.data, { raw: { width: 3000, height: 2000, channels: 3 } }).resize(W, H, { kernel: 'lanczos3' }).raw().toBuffer();
    const d = addDamage({ width: W, height: H, channels: 3, data: new Uint8Array(up.buffer, up.byteOffset, up.byteLength) }, { seed: 78, scratches: 12, dust: 200 });
    const jpeg = await sharp(d.image.data, { raw: { width: W, height: H, channels: 3 }, limitInputPixels: false }).jpeg({ quality: 90 }).toBuffer();
    await writeFile(join(big, 'scan_50mp.jpg'), jpeg);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
