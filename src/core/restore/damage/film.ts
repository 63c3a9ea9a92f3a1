// Loads the hand-outlined real film-damage masks (../shared/data/scratches/film-aa-masks/
// scanNN_mask.png: 8-bit, 255 = dust, dirt, hair or scratch) for the damage generator.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FilmMarks } from './generate';

/** The mask files in `dir`, sorted; [] when the folder is absent (tests run without ../shared). */
export function filmMaskFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^scan\d+_mask\.png$/.test(f)).sort().map((f) => join(dir, f));
}

/**
 * Reads up to `limit` masks, from the `offset`-th in name order, as single-channel planes (each
 * ~17 MB at 4969×3401). Training draws its marks from the first four scans; an evaluation that
 * must not have seen them takes later ones.
 */
export async function loadFilmMarks(dir: string, limit = 4, offset = 0): Promise<FilmMarks[]> {
  const out: FilmMarks[] = [];
  for (const f of filmMaskFiles(dir).slice(offset, offset + limit)) {
    const { data, info } = await sharp(f).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    out.push({ width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
  }
  return out;
}
