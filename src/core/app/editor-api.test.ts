// The service methods the editor reads pixels through: an edit's stored mask and the previews.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/integration/build';
import { FIXTURE_HEIGHT, FIXTURE_WIDTH } from '../../../test/fixtures/images';
import { inpaintEdit, startTestService, type TestService } from '../../../test/fixtures/service';
import type { EditDto } from '../../shared/api';
import { parseApiCall } from '../../shared/schemas';

let t: TestService;

beforeAll(async () => {
  await ensureBuilt();
  t = await startTestService('renovo-editor-api-', { host: 'web' });
});

afterAll(() => t?.close());

const inpaint = (photoId: number, mask: Uint8Array<ArrayBuffer>): Promise<EditDto> =>
  inpaintEdit(t.service, t.events, { photoId, parentEditId: null, mask, engine: 'harmonic', blend: 'off', dilate: 0 });

describe('editor pixel API', () => {
  it('returns the mask kept with an edit and the previews of the original and the edit', async () => {
    const photo = await t.service.importPhoto({ name: 'p.png', bytes: new Uint8Array(await readFile(t.fx.paths.photoPng)) });
    const mask = new Uint8Array(await readFile(t.fx.paths.maskRect));
    const edit = await inpaint(photo.id, mask);

    const kept = await t.service.getEditMask({ editId: edit.id });
    expect(kept.mime).toBe('image/png');
    const [a, b] = await Promise.all([
      sharp(kept.bytes).greyscale().raw().toBuffer({ resolveWithObject: true }),
      sharp(mask).greyscale().raw().toBuffer({ resolveWithObject: true }),
    ]);
    expect([a.info.width, a.info.height]).toEqual([FIXTURE_WIDTH, FIXTURE_HEIGHT]);
    // Stored as 0/255: same holes as the submitted mask (no dilation).
    expect([...a.data].map((v) => v > 0)).toEqual([...b.data].map((v) => v > 0));

    const original = await t.service.getPreviewBytes({ photoId: photo.id, editId: null });
    const result = await t.service.getPreviewBytes({ photoId: photo.id, editId: edit.id });
    expect(original.mime).toBe('image/webp');
    expect((await sharp(original.bytes).metadata()).width).toBe(FIXTURE_WIDTH);
    expect(Buffer.from(result.bytes).equals(Buffer.from(original.bytes))).toBe(false);
  });

  it('refuses unknown ids and validates payloads strictly', async () => {
    await expect(t.service.getEditMask({ editId: 999 })).rejects.toMatchObject({ code: 'EDIT_NOT_FOUND' });
    await expect(t.service.getPreviewBytes({ photoId: 999, editId: null })).rejects.toMatchObject({ code: 'PHOTO_NOT_FOUND' });
    expect(() => parseApiCall('getEditMask', { editId: 1, extra: true })).toThrow(/invalid/);
    expect(() => parseApiCall('getPreviewBytes', { photoId: 1 })).toThrow(/editId/);
  });
});
