// Byte-level EXIF helpers. sharp can only *write* EXIF from string fields (lossy: maker notes,
// GPS rationals and unknown tags would be dropped or mangled), but libvips copies an EXIF blob
// verbatim when the input carries one. So to export edited pixels with the original's exact
// EXIF we wrap the pixels in an uncompressed PNG "carrier" with an eXIf chunk, and let
// sharp's keepExif() re-emit it in the target format. Pure functions, no I/O.

import { crc32 } from 'node:zlib';

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

/** TIFF-structured EXIF (starting "II*\0" or "MM\0*"), dropping a leading "Exif\0\0" if present. */
export function exifTiffPayload(exif: Uint8Array): Buffer {
  const b = Buffer.from(exif.buffer, exif.byteOffset, exif.byteLength);
  return b.subarray(0, 6).equals(EXIF_HEADER) ? Buffer.from(b.subarray(6)) : Buffer.from(b);
}

/**
 * Set the IFD0 Orientation tag (0x0112) of TIFF-structured EXIF to `value`, in place.
 * Returns false when the data is malformed or carries no orientation tag (nothing to reset).
 */
export function setExifOrientation(tiff: Buffer, value: number): boolean {
  if (tiff.length < 8) return false;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return false;
  const le = order === 'II';
  const u16 = (o: number): number => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number): number => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  if (u16(2) !== 42) return false;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return false;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > tiff.length) return false;
    if (u16(e) === 0x0112 && u16(e + 2) === 3 /* SHORT */) {
      if (le) tiff.writeUInt16LE(value, e + 8);
      else tiff.writeUInt16BE(value, e + 8);
      return true;
    }
  }
  return false;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Insert an eXIf chunk right after IHDR (the PNG spec requires it before IDAT). */
export function pngWithExif(png: Buffer, tiffExif: Buffer): Buffer {
  const IHDR_END = 8 + 25; // signature + IHDR (len 4, type 4, 13 data, crc 4)
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('pngWithExif: not a PNG');
  return Buffer.concat([png.subarray(0, IHDR_END), pngChunk('eXIf', tiffExif), png.subarray(IHDR_END)]);
}

/** Data colour space signature of an ICC profile header ("RGB ", "GRAY", "CMYK", ...). */
export function iccColourSpace(icc: Uint8Array): string {
  return icc.length >= 20 ? Buffer.from(icc.buffer, icc.byteOffset + 16, 4).toString('latin1') : '';
}
