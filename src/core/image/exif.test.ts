import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { exifTiffPayload, iccColourSpace, pngWithExif, setExifOrientation } from './exif';

/** Minimal TIFF-structured EXIF: IFD0 with one SHORT Orientation entry. */
function tiffWithOrientation(le: boolean, value: number): Buffer {
  const b = Buffer.alloc(8 + 2 + 12 + 4);
  const w16 = (v: number, o: number): number => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (v: number, o: number): number => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  b.write(le ? 'II' : 'MM', 0, 'latin1');
  w16(42, 2);
  w32(8, 4);
  w16(1, 8);
  w16(0x0112, 10);
  w16(3, 12);
  w32(1, 14);
  w16(value, 18);
  return b;
}

describe('exif helpers', () => {
  it.each([true, false])('resets Orientation in place (little-endian %s)', (le) => {
    const t = tiffWithOrientation(le, 6);
    expect(setExifOrientation(t, 1)).toBe(true);
    expect(le ? t.readUInt16LE(18) : t.readUInt16BE(18)).toBe(1);
    expect(setExifOrientation(Buffer.from('garbage!!'), 1)).toBe(false);
  });

  it('strips the Exif header and builds a PNG carrier libvips reads back', async () => {
    const src = await sharp({ create: { width: 4, height: 3, channels: 3, background: 'blue' } })
      .withExif({ IFD0: { Copyright: 'carrier test' } })
      .withMetadata({ orientation: 8 })
      .jpeg()
      .toBuffer();
    const exif = (await sharp(src).metadata()).exif!;
    expect(exif.subarray(0, 4).toString('latin1')).toBe('Exif');
    const tiff = exifTiffPayload(exif);
    expect(['II', 'MM']).toContain(tiff.toString('latin1', 0, 2));
    expect(setExifOrientation(tiff, 1)).toBe(true);
    const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: 'red' } }).png().toBuffer();
    const m = await sharp(pngWithExif(png, tiff)).metadata();
    expect(m.exif?.toString('latin1')).toContain('carrier test');
    expect(m.orientation ?? 1).toBe(1);
  });

  it('reads the ICC data colour space', async () => {
    const p3 = (await sharp({ create: { width: 2, height: 2, channels: 3, background: 'red' } }).withIccProfile('p3').jpeg().toBuffer());
    expect(iccColourSpace((await sharp(p3).metadata()).icc!)).toBe('RGB ');
    expect(iccColourSpace(new Uint8Array(4))).toBe('');
  });
});
