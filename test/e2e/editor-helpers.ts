// Helpers for the editor e2e suite: the stage's view transform, pointer gestures in image
// coordinates, running a removal and reading back the mask the library stored with the edit.
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import type { EditDto, PhotoDto } from '../../src/shared/contract';

export interface StageView {
  scale: number;
  x: number;
  y: number;
  /** The stage element's page position. */
  left: number;
  top: number;
}

export async function apiCall<T>(page: Page, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ([m, body]) => {
      const response = await fetch(`/api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (!response.ok) throw new Error(`${m}: HTTP ${response.status} ${await response.text()}`);
      return response.json();
    },
    [method, JSON.stringify(input)] as const,
  ) as Promise<T>;
}

/** The transform the stage draws with (published as data attributes), in page coordinates. */
export async function stageView(page: Page): Promise<StageView> {
  return page.locator('[data-testid="stage"]').evaluate((el: HTMLElement) => {
    const r = el.getBoundingClientRect();
    return { scale: Number(el.dataset.scale), x: Number(el.dataset.x), y: Number(el.dataset.y), left: r.left, top: r.top };
  });
}

export function toPage(v: StageView, ix: number, iy: number): { x: number; y: number } {
  return { x: v.left + v.x + ix * v.scale, y: v.top + v.y + iy * v.scale };
}

/** Drag through image points (pointer down at the first, up at the last). */
export async function dragImage(page: Page, points: { x: number; y: number }[], opts: { steps?: number; alt?: boolean } = {}): Promise<void> {
  const v = await stageView(page);
  const first = toPage(v, points[0]!.x, points[0]!.y);
  if (opts.alt) await page.keyboard.down('Alt');
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const s = toPage(v, p.x, p.y);
    await page.mouse.move(s.x, s.y, { steps: opts.steps ?? 6 });
  }
  await page.mouse.up();
  if (opts.alt) await page.keyboard.up('Alt');
}

export async function clickImage(page: Page, x: number, y: number): Promise<void> {
  const v = await stageView(page);
  const s = toPage(v, x, y);
  await page.mouse.click(s.x, s.y);
}

export interface MaskImage {
  width: number;
  height: number;
  data: Buffer;
  at(x: number, y: number): number;
  count(x0?: number, y0?: number, x1?: number, y1?: number): number;
}

export async function decodeMask(bytes: Buffer): Promise<MaskImage> {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  return {
    width: w,
    height: h,
    data,
    at: (x, y) => data[Math.round(y) * w + Math.round(x)]!,
    count(x0 = 0, y0 = 0, x1 = w, y1 = h) {
      let n = 0;
      for (let y = Math.max(0, y0); y < Math.min(h, y1); y++) for (let x = Math.max(0, x0); x < Math.min(w, x1); x++) if (data[y * w + x]) n++;
      return n;
    },
  };
}

/** Fetch a library file the way the renderer does (the bridge's /library route, cookie auth). */
export async function libraryFile(page: Page, file: string): Promise<{ status: number; body: Buffer }> {
  const url = new URL('/library/' + file.split('/').map(encodeURIComponent).join('/'), page.url()).toString();
  const response = await page.request.get(url);
  return { status: response.status(), body: response.status() === 200 ? await response.body() : Buffer.alloc(0) };
}

export async function currentPhoto(page: Page): Promise<PhotoDto> {
  const title = await page.locator('[data-testid="photo-title"]').getAttribute('title');
  const photos = await apiCall<PhotoDto[]>(page, 'listPhotos', {});
  const photo = photos.find((p) => p.name === title);
  if (!photo) throw new Error(`photo ${title} not in the library`);
  return photo;
}

/**
 * Press Remove (Enter), wait for the new edit, and return it with the mask the library stored.
 * Uses the quick Telea engine, no blending and no dilation so the stored mask is exactly the drawn one.
 */
export async function removeAndReadMask(page: Page, opts: { viaKey?: boolean } = {}): Promise<{ edit: EditDto; mask: MaskImage }> {
  const photo = await currentPhoto(page);
  const before = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
  await page.locator('[data-testid="engine-select"]').selectOption('telea');
  if (await page.locator('[data-testid="blend-toggle"]').isChecked()) await page.locator('[data-testid="blend-toggle"]').uncheck();
  await page.locator('[data-testid="mask-dilate"]').fill('0');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  if (opts.viaKey) {
    await page.locator('[data-testid="stage"]').hover({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Enter');
  } else await page.locator('[data-testid="remove-button"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="edit-item"]').length > n, before.length, { timeout: 90_000 });
  await page.locator('[data-testid="job"]').waitFor({ state: 'detached', timeout: 30_000 });
  const after = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
  const known = new Set(before.map((e) => e.id));
  const edit = after.find((e) => !known.has(e.id));
  if (!edit?.maskFile) throw new Error('no new edit with a mask');
  const file = await libraryFile(page, edit.maskFile);
  if (file.status !== 200) throw new Error(`mask ${edit.maskFile}: HTTP ${file.status}`);
  return { edit, mask: await decodeMask(file.body) };
}

export async function dismissNotices(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss' });
  while ((await buttons.count()) > 0) await buttons.first().click().catch(() => {});
}

/** RGBA of the photo canvas at a page position (device pixel ratio 1). */
export async function photoCanvasPixel(page: Page, px: number, py: number): Promise<number[]> {
  return page.locator('[data-testid="photo-canvas"]').evaluate(
    (c: HTMLCanvasElement, [x, y]) => {
      const r = c.getBoundingClientRect();
      const ctx = c.getContext('2d')!;
      return Array.from(ctx.getImageData(Math.floor(x! - r.left), Math.floor(y! - r.top), 1, 1).data);
    },
    [px, py],
  );
}

/** Open a photo file with the Open button and wait until the editor shows it. */
export async function openPhotoFile(page: Page, file: string): Promise<void> {
  await page.locator('[data-testid="open-input"]').first().setInputFiles(file);
  await page.locator('[data-testid="photo-title"]').waitFor({ timeout: 60_000 });
}
