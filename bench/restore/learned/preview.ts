// Picture grid of the synthetic damage generator on clean photos: damaged | truth mask, one row per
// sample. Usage: node preview.cjs OUT.png DATA_DIR [N]. Written outside the repository.
import sharp from 'sharp';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { agePhoto, generateDamage } from '../../../src/core/restore/damage/generate';
import { loadFilmMarks } from '../../../src/core/restore/damage/film';

async function main(): Promise<void> {
  const [out, dataDir, nArg] = process.argv.slice(2);
  const n = Number(nArg ?? 8);
  const film = await loadFilmMarks(join(dataDir, 'scratches/film-aa-masks'), 2);
  const files = readdirSync(join(dataDir, 'kodak')).filter((f) => f.endsWith('.png')).sort().slice(0, n).map((f) => join(dataDir, 'kodak', f));
  const tiles: { input: Buffer; left: number; top: number }[] = [];
  const T = 384;
  let row = 0;
  for (const f of files) {
    const { data, info } = await sharp(f).resize(T, T, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const aged = agePhoto({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) }, { seed: row + 1 });
    const d = generateDamage(aged, { seed: row * 7 + 3, film });
    tiles.push({ input: await sharp(Buffer.from(d.image.data), { raw: { width: T, height: T, channels: 3 } }).png().toBuffer(), left: 0, top: row * T });
    tiles.push({ input: await sharp(Buffer.from(d.mask), { raw: { width: T, height: T, channels: 1 } }).png().toBuffer(), left: T, top: row * T });
    console.log(f, d.kinds.join(','));
    row++;
  }
  await sharp({ create: { width: 2 * T, height: row * T, channels: 3, background: '#000' } }).composite(tiles).png().toFile(out);
}
void main();
