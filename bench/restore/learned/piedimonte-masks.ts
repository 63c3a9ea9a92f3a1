// Damage masks of both detectors for the piedimonte originals (issue 13), scored against the
// aligned-difference masks by piedimonte.py:
//   esbuild bench/restore/learned/piedimonte-masks.ts --bundle --platform=node --format=cjs --target=node20 \
//     --external:onnxruntime-node --external:sharp --outfile=/tmp/pmasks.cjs
//   NODE_PATH=node_modules nice -n 19 node /tmp/pmasks.cjs OUT_DIR FILE...
// writes OUT_DIR/<name>.classical.png and OUT_DIR/<name>.learned.png (255 = what restorePhoto
// repairs, tone off, sensitivity 0.5 unless EVAL_SENSITIVITY), at the file's own size. OUT_DIR must be
// outside the repository: the masks are derived from photos whose rights are undocumented.
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { restorePhoto } from '../../../src/core/restore/pipeline';

const SENS = Number(process.env.EVAL_SENSITIVITY ?? 0.5);

async function main(): Promise<void> {
  const [out, ...files] = process.argv.slice(2);
  if (!out || files.length === 0) throw new Error('usage: node pmasks.cjs OUT_DIR FILE...');
  mkdirSync(out, { recursive: true });
  for (const f of files) {
    const { data, info } = await sharp(f).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const image = { width: info.width, height: info.height, channels: 3 as const, data: new Uint8Array(data) };
    const name = basename(f).replace(/\.\w+$/, '');
    for (const detector of ['classical', 'learned'] as const) {
      const t0 = Date.now();
      const r = await restorePhoto(image, { tone: false, detector, sensitivity: SENS });
      if (r.stats.detector !== detector) throw new Error(`${f}: asked for the ${detector} detector, ran ${r.stats.detector} (${r.stats.warnings.join('; ')})`);
      await sharp(Buffer.from(r.mask.data.map((v) => (v ? 255 : 0))), { raw: { width: r.mask.width, height: r.mask.height, channels: 1 } }).png().toFile(join(out, `${name}.${detector}.png`));
      console.log(JSON.stringify({ file: name, detector, flagged: Math.round(r.stats.damage.fraction * 1e4) / 1e4, ms: Date.now() - t0 }));
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
