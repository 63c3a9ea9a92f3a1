// Helpers for the batch tests: a folder of small synthetic scans (with damage), bad files and
// system files, and a hash of every file under a folder (to prove the input never changes).
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { addDamage, synthPhoto } from './synth';

export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(await readFile(p)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}

export async function scanJpeg(seed: number, width = 240, height = 180, exif = false): Promise<Buffer> {
  const d = addDamage(synthPhoto(width, height, { seed }), { seed: seed + 1000, scratches: 2, dust: 6 });
  let p = sharp(d.image.data, { raw: { width, height, channels: 3 } });
  if (exif) p = p.withExif({ IFD0: { Copyright: 'Renovo batch test', Artist: 'Test' } });
  return p.jpeg({ quality: 90 }).toBuffer();
}

/**
 * Writes `good` restorable scans (some nested, mixed formats), plus optionally the three kinds of
 * bad file and system files. Returns the relative paths of the good images.
 */
export async function makeScanFolder(dir: string, opts: { good: number; bad?: boolean; system?: boolean; size?: [number, number] }): Promise<string[]> {
  const [w, h] = opts.size ?? [240, 180];
  await mkdir(join(dir, 'album', 'page 2'), { recursive: true });
  const rels: string[] = [];
  for (let i = 0; i < opts.good; i++) {
    const sub = i % 3 === 0 ? '' : i % 3 === 1 ? 'album' : 'album/page 2';
    const kind = i % 4 === 3 ? 'png' : 'jpg';
    const rel = (sub ? sub + '/' : '') + `scan ${String(i).padStart(2, '0')}.${kind}`;
    const jpeg = await scanJpeg(i + 1, w, h, i === 0);
    const bytes = kind === 'png' ? await sharp(jpeg).png().toBuffer() : jpeg;
    await writeFile(join(dir, ...rel.split('/')), bytes);
    rels.push(rel);
  }
  if (opts.bad) {
    await writeFile(join(dir, 'zero.jpg'), Buffer.alloc(0));
    const full = await scanJpeg(99, w, h);
    await writeFile(join(dir, 'album', 'truncated.jpg'), full.subarray(0, Math.floor(full.length / 2)));
    await writeFile(join(dir, 'not-a-photo.png'), Buffer.from('this is text, not a PNG\n'));
  }
  if (opts.system) {
    await writeFile(join(dir, 'Thumbs.db'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
    await writeFile(join(dir, 'album', '.DS_Store'), Buffer.from('Bud1'));
    await writeFile(join(dir, 'album', '._scan 01.jpg'), Buffer.from('AppleDouble'));
    await writeFile(join(dir, 'notes.txt'), 'family album 1962\n');
  }
  return rels.sort();
}
