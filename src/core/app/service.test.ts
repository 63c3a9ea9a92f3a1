// RenovoService in-process: import, inpaint, previews, export metadata, delete with shared files.
import { existsSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/integration/build';
import { FIXTURE_COPYRIGHT, FIXTURE_XMP_CREATOR } from '../../../test/fixtures/images';
import { inpaintEdit, startTestService, waitForJob, type TestService } from '../../../test/fixtures/service';
import type { EditDto } from '../../shared/api';

let t: TestService;

const u8 = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b);

const inpaint = (photoId: number, parentEditId: number | null, mask: Uint8Array<ArrayBuffer>): Promise<EditDto> =>
  inpaintEdit(t.service, t.events, { photoId, parentEditId, mask, engine: 'harmonic', blend: 'off', dilate: 0 });

beforeAll(async () => {
  await ensureBuilt();
  t = await startTestService('renovo-service-', { host: 'desktop' });
});

afterAll(() => t?.close());

describe('RenovoService', () => {
  it('describes itself', async () => {
    const info = await t.service.getAppInfo({});
    expect(info.host).toBe('desktop');
    expect(info.engines.map((e) => e.id).sort()).toEqual(['gan-zopt', 'harmonic', 'onnx', 'patchmatch', 'telea']);
    expect(await t.service.listModels({})).toEqual([]);
  });

  it('imports under the original name and regenerates a missing preview', async () => {
    const photo = await t.service.importPhoto({ name: 'Family: 1962 %.jpg', bytes: u8(await readFile(t.fx.paths.metadataJpeg)) });
    expect(photo.name).toBe('Family_ 1962 _.jpg');
    expect(photo.path).toMatch(new RegExp(`^imports/${photo.sha256.slice(0, 2)}/${photo.sha256}/`));
    const preview = t.service.resolveLibraryFile(photo.previewFile);
    expect(existsSync(preview)).toBe(true);
    await unlink(preview);
    const again = await t.service.getPhoto({ photoId: photo.id });
    expect(again.previewFile).toBe(photo.previewFile);
    expect(existsSync(preview)).toBe(true);
    expect((await t.service.listPhotos({})).map((p) => p.id)).toContain(photo.id);
  });

  it('exports an edit with the original EXIF, XMP and ICC profile', async () => {
    const photo = (await t.service.listPhotos({}))[0];
    const edit = await inpaint(photo.id, null, u8(await readFile(t.fx.paths.maskRect)));
    expect(edit.engine).toBe('harmonic');
    expect(edit.params).toMatchObject({ engineRequested: 'harmonic', blend: 'off', dilate: 0 });
    expect(typeof edit.params.seed).toBe('number');
    const exported = await t.service.exportImage({ photoId: photo.id, editId: edit.id, format: 'png' });
    expect(exported.fileName).toBe('Family_ 1962 _-renovo.png');
    expect(exported.mime).toBe('image/png');
    const meta = await sharp(exported.bytes).metadata();
    expect(meta.exif?.toString('latin1')).toContain(FIXTURE_COPYRIGHT);
    expect(meta.xmp?.toString('utf8')).toContain(FIXTURE_XMP_CREATOR);
    expect(meta.icc).toBeDefined();
    const original = await t.service.exportImage({ photoId: photo.id, editId: null, format: 'webp', quality: 80 });
    expect(original.fileName).toBe('Family_ 1962 _-renovo.webp');
  });

  it('keeps files another edit still uses when deleting an edit', async () => {
    const photo = await t.service.importPhoto({ name: 'photo.png', bytes: u8(await readFile(t.fx.paths.photoPng)) });
    const mask = u8(await readFile(t.fx.paths.maskRect));
    const a = await inpaint(photo.id, null, mask);
    const b = await inpaint(photo.id, null, mask); // same input, same engine: identical files
    expect(b.maskFile).toBe(a.maskFile);
    expect(b.outputFile).toBe(a.outputFile);
    const child = await inpaint(photo.id, a.id, u8(await readFile(t.fx.paths.maskDisc)));
    expect(child.parentId).toBe(a.id);

    const res = await t.service.deleteEdit({ editId: a.id });
    expect(res.deletedEditIds).toEqual([a.id, child.id]);
    expect((await t.service.listEdits({ photoId: photo.id })).map((e) => e.id)).toEqual([b.id]);
    // a's files are shared with b: kept. The child's own output is gone.
    expect(existsSync(t.service.resolveLibraryFile(a.outputFile))).toBe(true);
    expect(existsSync(t.service.resolveLibraryFile(a.maskFile!))).toBe(true);
    expect(existsSync(t.service.resolveLibraryFile(child.outputFile))).toBe(false);
    expect(existsSync(t.service.resolveLibraryFile(child.previewFile))).toBe(false);

    await t.service.deleteEdit({ editId: b.id });
    expect(existsSync(t.service.resolveLibraryFile(a.outputFile))).toBe(false);
    // The same mask was used on the first photo (earlier test): still referenced there, so kept.
    expect(existsSync(t.service.resolveLibraryFile(a.maskFile!))).toBe(true);
    // The photo and its preview stay.
    expect(existsSync(t.service.resolveLibraryFile(photo.path))).toBe(true);
    expect(existsSync(t.service.resolveLibraryFile(photo.previewFile))).toBe(true);
  });

  it('refuses a parent edit of another photo, unknown ids and bad masks with stable codes', async () => {
    const photos = await t.service.listPhotos({});
    const [p1, p2] = photos;
    const mask = u8(await readFile(t.fx.paths.maskRect));
    const e1 = await inpaint(p1.id, null, mask);
    await expect(t.service.startInpaint({ photoId: p2.id, parentEditId: e1.id, mask, engine: 'auto', blend: 'off', dilate: 0 })).rejects.toMatchObject({ code: 'EDIT_OF_OTHER_PHOTO' });
    await expect(t.service.getPhoto({ photoId: 12345 })).rejects.toMatchObject({ name: 'ApiError', code: 'PHOTO_NOT_FOUND' });
    await expect(t.service.deleteEdit({ editId: 12345 })).rejects.toMatchObject({ code: 'EDIT_NOT_FOUND' });
    const full = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#fff' } }).png().toBuffer();
    await expect(t.service.startInpaint({ photoId: p1.id, parentEditId: null, mask: u8(full), engine: 'auto', blend: 'off', dilate: 0 })).rejects.toMatchObject({ code: 'MASK_ALL_HOLE' });
    await expect(t.service.startInpaint({ photoId: p1.id, parentEditId: null, mask: u8(await readFile(t.fx.paths.notAnImage)), engine: 'auto', blend: 'off', dilate: 0 })).rejects.toMatchObject({ code: 'NOT_AN_IMAGE' });
  });

  it('emits cancelled for a cancelled job and records nothing', async () => {
    const photo = (await t.service.listPhotos({}))[0];
    const before = (await t.service.listEdits({ photoId: photo.id })).length;
    const { jobId } = await t.service.startInpaint({ photoId: photo.id, parentEditId: null, mask: u8(await readFile(t.fx.paths.maskRect)), engine: 'patchmatch', blend: 'normal', dilate: 0 });
    expect(await t.service.cancelJob({ jobId })).toEqual({ cancelled: true });
    expect((await waitForJob(t.events, jobId)).type).toBe('cancelled');
    expect((await t.service.listEdits({ photoId: photo.id })).length).toBe(before);
    expect(await t.service.cancelJob({ jobId: 'nope' })).toEqual({ cancelled: false });
  });
});
