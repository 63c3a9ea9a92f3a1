import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import {
  CORNER_COLOUR,
  FIXTURE_COPYRIGHT,
  FIXTURE_HEIGHT,
  FIXTURE_WIDTH,
  FIXTURE_XMP_CREATOR,
  jpegWithMetadata,
  makeFixtureDir,
  photoPixels,
  photoPng,
  pngClaimingSize,
  rotatedJpeg,
  truncatedJpeg,
  type FixtureDir,
} from '../../../test/fixtures/images';
import { ImageError } from './errors';
import { execFileSync } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_PIXELS, MAX_IMAGE_FILE_BYTES, codecSupport, decodeImage, encodeImage, formatFromName, makePreview, probeImage, readImageFile } from './io';
import type { ImageBuffer } from './types';

let fx: FixtureDir;
beforeAll(async () => {
  fx = await makeFixtureDir();
});
afterAll(async () => {
  await fx.cleanup();
});

function px(img: ImageBuffer, x: number, y: number): number[] {
  const o = (y * img.width + x) * img.channels;
  return Array.from(img.data.subarray(o, o + img.channels));
}

async function expectImageError(p: Promise<unknown>, code: ImageError['code'], fileFragment: string): Promise<ImageError> {
  const e = await p.then(
    () => {
      throw new Error('expected an ImageError');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImageError);
  const ie = e as ImageError;
  expect(ie.code).toBe(code);
  expect(ie.message).toContain(fileFragment);
  return ie;
}

describe('decodeImage', () => {
  it('loads an EXIF-rotated JPEG upright', async () => {
    const bytes = await rotatedJpeg();
    const stored = await sharp(bytes).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([FIXTURE_HEIGHT, FIXTURE_WIDTH, 6]);
    const { image, meta } = await decodeImage(bytes, { name: 'rotated.jpg' });
    expect([image.width, image.height, image.channels]).toEqual([FIXTURE_WIDTH, FIXTURE_HEIGHT, 3]);
    expect([meta.width, meta.height, meta.orientation]).toEqual([FIXTURE_WIDTH, FIXTURE_HEIGHT, 6]);
    const [r, g, b] = px(image, 2, 2);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(60);
    expect(b).toBeLessThan(60);
    // The other corners are not red.
    for (const [x, y] of [[FIXTURE_WIDTH - 3, 2], [2, FIXTURE_HEIGHT - 3], [FIXTURE_WIDTH - 3, FIXTURE_HEIGHT - 3]]) {
      const [r2, g2] = px(image, x, y);
      expect(r2 - g2).toBeLessThan(150);
    }
    expect(CORNER_COLOUR[0]).toBe(255);
  });

  it('decodes lossless PNG exactly and keeps alpha when asked', async () => {
    const { image } = await decodeImage(await photoPng(), { name: 'p.png' });
    expect(Buffer.from(image.data).equals(Buffer.from(photoPixels(FIXTURE_WIDTH, FIXTURE_HEIGHT).data))).toBe(true);
    const rgba = await decodeImage(await photoPng(), { channels: 4 });
    expect(rgba.image.channels).toBe(4);
    expect(px(rgba.image, 0, 0)[3]).toBe(255);
  });

  it('converts a P3-tagged JPEG to sRGB', async () => {
    const { image, meta } = await decodeImage(await jpegWithMetadata(), { name: 'm.jpg' });
    expect(meta.hasIcc && meta.hasExif && meta.hasXmp).toBe(true);
    const ref = photoPixels(FIXTURE_WIDTH, FIXTURE_HEIGHT);
    // Mid-tone colours must come back close to the sRGB originals (JPEG q95 + 2 conversions).
    for (const [x, y] of [[10, 50], [57, 35], [90, 5]]) {
      const a = px(image, x, y);
      const b = px(ref, x, y);
      for (let c = 0; c < 3; c++) expect(Math.abs(a[c] - b[c])).toBeLessThanOrEqual(8);
    }
  });

  it('fails clearly on a truncated JPEG', async () => {
    const e = await expectImageError(decodeImage(await truncatedJpeg(), { name: 'photo.jpg' }), 'TRUNCATED', 'photo.jpg');
    expect(e.message).toMatch(/truncated/);
    expect(e.file).toBe('photo.jpg');
  });

  it.each(['png', 'webp', 'gif', 'avif'] as const)('reports a truncated %s as TRUNCATED', async (format) => {
    const full = await sharp(Buffer.from(photoPixels(64, 48).data), { raw: { width: 64, height: 48, channels: 3 } })
      .toFormat(format)
      .toBuffer();
    const cut = full.subarray(0, Math.floor(full.length * 0.6));
    await expectImageError(decodeImage(cut, { name: `cut.${format}` }), 'TRUNCATED', `cut.${format}`);
  });

  it('fails clearly on a non-image and on a zero-byte file', async () => {
    const text = await readImageFile(fx.paths.notAnImage);
    await expectImageError(decodeImage(text, { name: 'not-an-image.jpg' }), 'NOT_AN_IMAGE', 'not-an-image.jpg');
    const empty = await readImageFile(fx.paths.zeroByte);
    const e = await expectImageError(decodeImage(empty, { name: 'zero.jpg' }), 'NOT_AN_IMAGE', 'zero.jpg');
    expect(e.message).toMatch(/empty/);
  });

  it('refuses images over the pixel limit before decoding', async () => {
    const e = await expectImageError(decodeImage(await photoPng(), { name: 'big.png', maxPixels: 1000 }), 'TOO_LARGE', 'big.png');
    expect(e.message).toMatch(/96×64/);
    // A header that claims a huge size with no pixel data behind it: still TOO_LARGE (not TRUNCATED),
    // proving the check happens on the header alone.
    const e2 = await expectImageError(decodeImage(pngClaimingSize(20000, 15000), { name: 'bomb.png' }), 'TOO_LARGE', 'bomb.png');
    expect(e2.message).toMatch(/300\.0 MP/);
    await expectImageError(makePreview(pngClaimingSize(20000, 15000), 256, { name: 'bomb.png' }), 'TOO_LARGE', 'bomb.png');
    expect(DEFAULT_MAX_PIXELS).toBeGreaterThanOrEqual(100e6);
  });
});

describe('readImageFile', () => {
  it('reports missing files with their path and refuses directories', async () => {
    const missing = fx.dir + '/nope.jpg';
    await expectImageError(readImageFile(missing), 'NOT_FOUND', missing);
    await expectImageError(readImageFile(fx.dir), 'NOT_AN_IMAGE', fx.dir);
  });

  it('refuses a FIFO and a link to a device at once instead of hanging or reading forever', async () => {
    const fifo = join(fx.dir, 'pipe.jpg');
    execFileSync('mkfifo', [fifo]);
    const zero = join(fx.dir, 'zero.png');
    await symlink('/dev/zero', zero);
    const started = Date.now();
    const e1 = await expectImageError(readImageFile(fifo), 'NOT_AN_IMAGE', fifo);
    expect(e1.message).toMatch(/not a regular file/);
    const e2 = await expectImageError(readImageFile(zero), 'NOT_AN_IMAGE', zero);
    expect(e2.message).toMatch(/not a regular file/);
    expect(Date.now() - started).toBeLessThan(2000);
  }, 5000);

  it('refuses a file over the size limit before reading it', async () => {
    const big = join(fx.dir, 'big.tif');
    await writeFile(big, Buffer.alloc(4096));
    const e = await expectImageError(readImageFile(big, 1024), 'TOO_LARGE', big);
    expect(e.message).toMatch(/larger than/);
    expect(MAX_IMAGE_FILE_BYTES).toBeGreaterThanOrEqual(2 ** 30);
    expect((await readImageFile(big, 4096)).byteLength).toBe(4096);
  });
});

describe('encodeImage', () => {
  it('keeps EXIF (orientation reset to 1), ICC and XMP on JPEG export', async () => {
    const original = await jpegWithMetadata();
    const om = await sharp(original).metadata();
    const { image } = await decodeImage(original);
    const out = await encodeImage(image, { format: 'jpeg', metadataFrom: original });
    const m = await sharp(out).metadata();
    expect(m.format).toBe('jpeg');
    expect(m.exif?.toString('latin1')).toContain(FIXTURE_COPYRIGHT);
    expect(m.orientation ?? 1).toBe(1);
    expect(m.icc).toBeDefined();
    expect(m.icc!.equals(om.icc!)).toBe(true);
    expect(m.xmpAsString ?? m.xmp?.toString()).toContain(FIXTURE_XMP_CREATOR);
    // Colours survive: the output decodes back to (nearly) the same sRGB pixels.
    const again = await decodeImage(out);
    let maxDiff = 0;
    for (let i = 0; i < image.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(image.data[i] - again.image.data[i]));
    expect(maxDiff).toBeLessThanOrEqual(24);
    // And the stored pixels are really in P3 (converted, not just tagged): raw values differ from sRGB.
    const storedRaw = await sharp(out).keepIccProfile().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < image.data.length; i++) diff += Math.abs(image.data[i] - storedRaw[i]);
    expect(diff / image.data.length).toBeGreaterThan(2);
  });

  it('resets orientation 6 to 1 after upright decode', async () => {
    const original = await rotatedJpeg();
    const { image } = await decodeImage(original);
    const out = await encodeImage(image, { format: 'jpeg', metadataFrom: original });
    const m = await sharp(out).metadata();
    expect(m.orientation ?? 1).toBe(1);
    expect([m.width, m.height]).toEqual([FIXTURE_WIDTH, FIXTURE_HEIGHT]);
    expect(m.exif?.toString('latin1')).toContain(FIXTURE_COPYRIGHT);
    const back = await decodeImage(out);
    expect(px(back.image, 2, 2)[0]).toBeGreaterThan(200);
  });

  it.each(['png', 'webp', 'avif', 'tiff'] as const)('exports %s with metadata', async (format) => {
    const original = await jpegWithMetadata();
    const { image } = await decodeImage(original);
    const out = await encodeImage(image, { format, metadataFrom: original });
    const m = await sharp(out).metadata();
    expect(m.format).toBe(format === 'avif' ? 'heif' : format);
    expect([m.width, m.height]).toEqual([FIXTURE_WIDTH, FIXTURE_HEIGHT]);
    expect(m.icc?.equals((await sharp(original).metadata()).icc!)).toBe(true);
    expect(m.xmpAsString ?? m.xmp?.toString()).toContain(FIXTURE_XMP_CREATOR);
    // libvips' TIFF writer emits no EXIF IFD (documented limitation).
    if (format !== 'tiff') expect(m.exif?.toString('latin1')).toContain(FIXTURE_COPYRIGHT);
  });

  it('round-trips PNG losslessly without metadata', async () => {
    const img = photoPixels(40, 30);
    const out = await encodeImage(img, { format: 'png' });
    const { image } = await decodeImage(out);
    expect(Buffer.from(image.data).equals(Buffer.from(img.data))).toBe(true);
    expect((await sharp(out).metadata()).exif).toBeUndefined();
  });
});

describe('makePreview / probe / formatFromName', () => {
  it('makes an upright, downscaled, never upscaled WebP', async () => {
    const p = await makePreview(await rotatedJpeg(), 48);
    expect([p.width, p.height, p.format]).toEqual([48, 32, 'webp']);
    expect((await sharp(p.bytes).metadata()).format).toBe('webp');
    const big = await makePreview(await rotatedJpeg(), 1000);
    expect([big.width, big.height]).toEqual([FIXTURE_WIDTH, FIXTURE_HEIGHT]);
  });

  it('probes without decoding and reports upright size', async () => {
    const m = await probeImage(await rotatedJpeg(), 'r.jpg');
    expect(m).toMatchObject({ format: 'jpeg', width: FIXTURE_WIDTH, height: FIXTURE_HEIGHT, orientation: 6, hasExif: true });
    const t = await probeImage(await truncatedJpeg(), 't.jpg'); // header is intact
    expect(t.format).toBe('jpeg');
  });

  it('maps names to export formats', () => {
    expect(formatFromName('a/B.JPG')).toBe('jpeg');
    expect(formatFromName('x.jpeg')).toBe('jpeg');
    expect(formatFromName('x.tif')).toBe('tiff');
    expect(formatFromName('x.avif')).toBe('avif');
    expect(formatFromName('x.webp')).toBe('webp');
    expect(formatFromName('x.heic')).toBeUndefined();
    expect(formatFromName('noext')).toBeUndefined();
  });

  it('refuses SVG and reports HEIC as unsupported', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>');
    await expectImageError(probeImage(svg, 'x.svg'), 'UNSUPPORTED_FORMAT', 'x.svg');
    // Minimal HEIC-branded ISO-BMFF header (not a full file): must be UNSUPPORTED_FORMAT, not NOT_AN_IMAGE.
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);
    await expectImageError(probeImage(heic, 'x.heic'), 'UNSUPPORTED_FORMAT', 'x.heic');
  });
});

describe('codecSupport', () => {
  it('reports what this libvips build can read and write', () => {
    const c = codecSupport();
    expect(c.read).toEqual(expect.arrayContaining(['jpeg', 'png', 'webp', 'tiff', 'avif']));
    expect(c.write).toEqual(['jpeg', 'png', 'webp', 'tiff', 'avif']);
    // The prebuilt sharp 0.35 binaries ship libheif with AV1 only (no HEVC decoder).
    expect(typeof c.heic).toBe('boolean');
    expect(c.libvips).toMatch(/^\d+\.\d+/);
  });
});
