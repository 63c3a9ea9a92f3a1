// End-to-end: the source area in the real renderer (Debian's Chromium against `renovo serve`).
// Paint a hole, switch to the source area (S), paint and erase it with the mask tools, run Remove,
// and read back what the library stored with the edit. Needs `npm run build` first.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EditDto } from '../../src/shared/contract';
import { photoJpeg } from '../fixtures/images';
import { OUT_DIR, describeE2e, startSession, type E2eSession } from './bridge';
import { apiCall, currentPhoto, decodeMask, dragImage, libraryFile, openPhotoFile, stageView, toPage } from './editor-helpers';

const W = 720;
const H = 480;

/** RGBA of the overlay canvas over image point (x, y) (device pixel ratio 1). */
async function overlayAt(page: Page, x: number, y: number): Promise<number[]> {
  const p = toPage(await stageView(page), x, y);
  return page.locator('[data-testid="mask-canvas"]').evaluate(
    (c: HTMLCanvasElement, [px, py]) => {
      const r = c.getBoundingClientRect();
      return Array.from(c.getContext('2d')!.getImageData(Math.floor(px! - r.left), Math.floor(py! - r.top), 1, 1).data);
    },
    [p.x, p.y],
  );
}

const checked = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"]`).getAttribute('aria-checked');

describeE2e('source area (Chromium against renovo serve)', () => {
  let session: E2eSession;
  let workDir: string;
  let page: Page;

  beforeAll(async () => {
    session = await startSession('source', {
      context: { colorScheme: 'dark' },
      prepare: async (dir) => {
        await writeFile(join(dir, 'beach.jpg'), await photoJpeg(W, H));
      },
    });
    ({ workDir, page } = session);
    await page.goto(session.bridge.url);
    await openPhotoFile(page, join(workDir, 'beach.jpg'));
  });
  afterAll(() => session?.close());

  it('paints a source area with the mask tools, sends it with Remove and records it with the edit', async () => {
    // The hole: a brush stroke along y = 100.
    await page.locator('[data-testid="tool-brush"]').click();
    await page.locator('[data-testid="brush-size"]').fill('40');
    await page.locator('[data-testid="brush-hardness"]').fill('100');
    await dragImage(page, [{ x: 100, y: 100 }, { x: 300, y: 100 }]);

    // S switches the tools to the source area; a rectangle marks it, Alt+drag erases a strip.
    await page.locator('[data-testid="stage"]').hover({ position: { x: 5, y: 5 } });
    await page.keyboard.press('s');
    expect(await checked(page, 'paint-source')).toBe('true');
    await page.locator('[data-testid="painting-source-badge"]').waitFor();
    await page.keyboard.press('m');
    await dragImage(page, [{ x: 400, y: 250 }, { x: 700, y: 470 }]);
    await dragImage(page, [{ x: 640, y: 240 }, { x: 710, y: 475 }], { alt: true });
    // Its tint is green, the hole's keeps its own colour.
    const source = await overlayAt(page, 500, 350);
    expect(source[1]!).toBeGreaterThan(source[0]! + 60);
    expect(source[3]!).toBeGreaterThan(60);
    const hole = await overlayAt(page, 200, 100);
    expect(hole[0]!).toBeGreaterThan(hole[1]! + 60);
    expect((await overlayAt(page, 680, 350))[3]).toBe(0); // erased

    // The Telea engine cannot use a source area: Remove waits for another engine.
    await page.locator('[data-testid="engine-select"]').selectOption('telea');
    await page.locator('[data-testid="source-engine-hint"]').waitFor();
    expect(await page.locator('[data-testid="remove-button"]').isDisabled()).toBe(true);
    await page.locator('[data-testid="engine-select"]').selectOption('patchmatch');
    if (await page.locator('[data-testid="blend-toggle"]').isChecked()) await page.locator('[data-testid="blend-toggle"]').uncheck();
    await page.locator('[data-testid="mask-dilate"]').fill('0');
    await page.screenshot({ path: join(OUT_DIR, 'source-area-1-painted.png') });

    const photo = await currentPhoto(page);
    await page.locator('[data-testid="remove-button"]').click();
    await page.locator('[data-testid="edit-item"]').first().waitFor({ timeout: 90_000 });
    await page.locator('[data-testid="job"]').waitFor({ state: 'detached', timeout: 30_000 });
    const [edit] = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
    expect(edit?.engine).toBe('patchmatch');
    expect(edit?.sourceArea).toMatchObject({ mode: 'include' });

    const stored = await libraryFile(page, edit!.sourceArea!.maskFile);
    expect(stored.status).toBe(200);
    const mask = await decodeMask(stored.body);
    expect([mask.width, mask.height]).toEqual([W, H]);
    expect(mask.at(420, 260)).toBe(255);
    expect(mask.at(620, 460)).toBe(255);
    expect(mask.at(660, 350)).toBe(0); // erased
    expect(mask.at(200, 100)).toBe(0); // the hole is not part of it
    expect(mask.count()).toBe(edit!.sourceArea!.pixels);
    expect(mask.count()).toBeGreaterThan(230 * 210 * 0.95);
    expect(mask.count()).toBeLessThan(245 * 225);

    // The history says so; the next removal starts from clean masks, painting the hole again.
    await page.locator('[data-testid="edit-source-area"]').waitFor();
    expect(await checked(page, 'paint-hole')).toBe('true');
    expect(await page.locator('[data-testid="source-options"]').count()).toBe(0);
    expect((await overlayAt(page, 500, 350))[3]).toBe(0);
    await page.screenshot({ path: join(OUT_DIR, 'source-area-2-done.png') });
  });

  it("reuses an edit's source area with its mask, and clears it on its own", async () => {
    await page.locator('[data-testid="reuse-mask"]').first().click();
    await page.locator('[data-testid="source-options"]').waitFor();
    expect(await page.locator('[data-testid="source-include"]').isChecked()).toBe(true);
    expect((await overlayAt(page, 500, 350))[3]).toBeGreaterThan(60);
    await page.locator('[data-testid="source-exclude"]').check();
    const excluded = await overlayAt(page, 500, 350); // blue: never copy from here
    expect(excluded[2]!).toBeGreaterThan(excluded[0]! + 60);
    await page.locator('[data-testid="clear-source"]').click();
    expect((await overlayAt(page, 500, 350))[3]).toBe(0);
    expect((await overlayAt(page, 200, 100))[3]).toBeGreaterThan(60); // the hole stays
    // Undo brings the cleared source area back; the hole is untouched by it.
    await page.keyboard.press('Control+z');
    expect((await overlayAt(page, 500, 350))[3]).toBeGreaterThan(60);
    expect(session.unexpectedProblems()).toEqual([]);
  });
});
