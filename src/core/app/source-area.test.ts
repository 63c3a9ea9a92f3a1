// A removal's source area through the service: checked before any job, recorded with the edit
// (params + a library PNG), readable back, and its file removed with the last edit using it.
// Whether the engine obeys it is pinned by the engine's own tests.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/integration/build';
import { FIXTURE_HEIGHT as H, FIXTURE_MASK_RECT, FIXTURE_WIDTH as W, maskPng } from '../../../test/fixtures/images';
import { inpaintEdit, startTestService, waitForJob, type TestService } from '../../../test/fixtures/service';
import type { ApiInput, EditDto, PhotoDto } from '../../shared/api';

let t: TestService;
let photo: PhotoDto;
let hole: Uint8Array<ArrayBuffer>;
/** The left strip x 0..27 (the hole is x 30..49). */
let leftStrip: Uint8Array<ArrayBuffer>;
const LEFT_STRIP = { kind: 'rect', x: 0, y: 0, width: 28, height: H } as const;

const u8 = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b);

function request(sourceArea: ApiInput<'startInpaint'>['sourceArea'], engine: ApiInput<'startInpaint'>['engine'] = 'patchmatch'): ApiInput<'startInpaint'> {
  return { photoId: photo.id, parentEditId: null, mask: hole, engine, blend: 'off', dilate: 0, seed: 3, ...(sourceArea ? { sourceArea } : {}) };
}

const remove = (input: ApiInput<'startInpaint'>): Promise<EditDto> => inpaintEdit(t.service, t.events, input);

/** Every file of the library except the database. */
async function libraryFiles(): Promise<string[]> {
  const entries = await readdir(join(t.dir, 'lib'), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && !e.name.startsWith('renovo.db')).map((e) => join(e.parentPath, e.name)).sort();
}

beforeAll(async () => {
  await ensureBuilt();
  t = await startTestService('renovo-source-area-', { host: 'web' });
  photo = await t.service.importPhoto({ name: 'photo.png', bytes: u8(await readFile(t.fx.paths.photoPng)) });
  hole = u8(await readFile(t.fx.paths.maskRect));
  leftStrip = u8(await maskPng(W, H, LEFT_STRIP));
});

afterAll(() => t?.close());

describe('source area', () => {
  it('is recorded with the edit and can be read back', async () => {
    const edit = await remove(request({ mask: leftStrip, mode: 'include' }));
    expect(edit.engine).toBe('patchmatch');
    expect(edit.sourceArea).toEqual({ mode: 'include', maskFile: expect.stringMatching(/^masks\/.+\.png$/), pixels: 28 * H });
    expect(edit.params.sourceArea).toEqual(edit.sourceArea);
    expect(edit.sourceArea!.maskFile).not.toBe(edit.maskFile);
    expect((await t.service.listEdits({ photoId: photo.id })).find((e) => e.id === edit.id)?.sourceArea).toEqual(edit.sourceArea);

    const back = await t.service.getEditMask({ editId: edit.id, layer: 'source' });
    const { data, info } = await sharp(back.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([W, H]);
    for (let y = 0; y < H; y += 7) {
      for (let x = 0; x < W; x += 5) expect(data[(y * W + x) * info.channels] > 0, `${x},${y}`).toBe(x < 28);
    }
    // The hole mask is still the default layer.
    expect((await t.service.getEditMask({ editId: edit.id })).bytes).toEqual(u8(await readFile(t.service.resolveLibraryFile(edit.maskFile!))));
  });

  it('works with exclude and with the Auto engine (which then runs PatchMatch)', async () => {
    const edit = await remove(request({ mask: leftStrip, mode: 'exclude' }, 'auto'));
    expect(edit.engine).toBe('patchmatch');
    expect(edit.sourceArea).toMatchObject({ mode: 'exclude', pixels: 28 * H });
  });

  it('an edit without one records none, and getEditMask says so', async () => {
    const edit = await remove(request(undefined));
    expect(edit.sourceArea).toBeNull();
    expect(edit.params).not.toHaveProperty('sourceArea');
    await expect(t.service.getEditMask({ editId: edit.id, layer: 'source' })).rejects.toMatchObject({ code: 'EDIT_WITHOUT_MASK' });
  });

  it('deleting the last edit that uses a source mask removes its file; a shared one is kept', async () => {
    const a = await remove(request({ mask: leftStrip, mode: 'include' }));
    const b = await remove({ ...request({ mask: leftStrip, mode: 'include' }), seed: 4 });
    expect(b.sourceArea!.maskFile).toBe(a.sourceArea!.maskFile);
    const file = t.service.resolveLibraryFile(a.sourceArea!.maskFile);
    const others = (await t.service.listEdits({ photoId: photo.id })).filter((e) => e.id !== a.id && e.id !== b.id);
    for (const e of others) await t.service.deleteEdit({ editId: e.id });
    await t.service.deleteEdit({ editId: a.id });
    expect(existsSync(file)).toBe(true);
    await t.service.deleteEdit({ editId: b.id });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(t.service.resolveLibraryFile(b.maskFile!))).toBe(false);
  });

  it('refuses bad source areas with stable codes before a job starts, writing nothing', async () => {
    const before = await libraryFiles();
    const edits = (await t.service.listEdits({ photoId: photo.id })).length;
    const black = u8(await sharp(new Uint8Array(W * H), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
    const white = u8(await sharp({ create: { width: W, height: H, channels: 3, background: '#fff' } }).png().toBuffer());
    const cases: [ApiInput<'startInpaint'>, string, RegExp][] = [
      [request({ mask: u8(await readFile(t.fx.paths.maskWrongSize)), mode: 'include' }), 'SOURCE_MASK_SIZE', /source area: source mask is 50×50 but the photo is 96×64/],
      [request({ mask: black, mode: 'include' }), 'SOURCE_MASK_EMPTY', /source area: .*no pixel/],
      [request({ mask: white, mode: 'exclude' }), 'SOURCE_MASK_EMPTY', /source area: .*every pixel/],
      [request({ mask: hole, mode: 'include' }), 'SOURCE_MASK_NO_SOURCE', /source area: .*only inside/],
      [request({ mask: leftStrip, mode: 'include' }, 'telea'), 'SOURCE_MASK_ENGINE', /PatchMatch/],
      [request({ mask: leftStrip, mode: 'include' }, 'harmonic'), 'SOURCE_MASK_ENGINE', /harmonic/],
      [request({ mask: u8(await readFile(t.fx.paths.notAnImage)), mode: 'include' }), 'NOT_AN_IMAGE', /source area/],
    ];
    for (const [input, code, message] of cases) {
      const started = t.events.length;
      await expect(t.service.startInpaint(input), code).rejects.toMatchObject({ name: 'ApiError', code, message: expect.stringMatching(message) });
      expect(t.events.length).toBe(started);
    }
    expect(await libraryFiles()).toEqual(before);
    expect((await t.service.listEdits({ photoId: photo.id })).length).toBe(edits);
    // Refused by the engine once it runs (no whole patch in a 2×2 area): the job fails, naming it.
    const tiny = u8(await maskPng(W, H, { kind: 'rect', x: 2, y: 2, width: 2, height: 2 }));
    const { jobId } = await t.service.startInpaint(request({ mask: tiny, mode: 'include' }));
    expect(await waitForJob(t.events, jobId)).toMatchObject({ type: 'failed', error: expect.stringMatching(/^source area: the source area holds no complete/) });
    expect(await libraryFiles()).toEqual(before);
    expect((await t.service.listEdits({ photoId: photo.id })).length).toBe(edits);
    // Empty in exclude mode means "no restriction": accepted.
    expect((await remove(request({ mask: black, mode: 'exclude' }))).sourceArea).toMatchObject({ mode: 'exclude', pixels: 0 });
  });
});
