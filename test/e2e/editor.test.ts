// End-to-end: the real renderer in Debian's Chromium against the real web bridge (`renovo serve`,
// the same RenovoApi the desktop preload exposes). Needs `npm run build` first (`npm test` does it).
// Masks are checked by reading back what the library stored with each edit (the bridge's /library
// route), so every tool is verified through the API, at the photo's full resolution.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EditDto } from '../../src/shared/contract';
import { FIXTURE_COPYRIGHT, jpegWithMetadata, photoPixels } from '../fixtures/images';
import { OUT_DIR, ROOT, describeE2e, startSession, type E2eSession } from './bridge';
import {
  apiCall,
  clickImage,
  currentPhoto,
  dismissNotices,
  dragImage,
  libraryFile,
  openPhotoFile,
  photoCanvasPixel,
  removeAndReadMask,
  stageView,
  toPage,
} from './editor-helpers';

// The fixture photo: photoPixels draws a dark disc centred at (0.6 W, 0.55 H), radius 0.2 min(W, H),
// and a light rectangle at x 15–40 %, y 60–85 %.
const W = 720;
const H = 480;
const DISC = { cx: W * 0.6, cy: H * 0.55, r: Math.min(W, H) * 0.2 };

async function setBrush(page: Page, size: number): Promise<void> {
  await page.locator('[data-testid="tool-brush"]').click();
  await page.locator('[data-testid="brush-size"]').fill(String(size));
  await page.locator('[data-testid="brush-hardness"]').fill('100');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.mouse.move(2, 2);
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(OUT_DIR, name) });
}

describeE2e('editor (Chromium against renovo serve)', () => {
  let session: E2eSession;
  let workDir: string;
  let photoFile: string;
  let page: Page;
  /** Edits made by the tool tests, oldest first. */
  const made: EditDto[] = [];

  beforeAll(async () => {
    session = await startSession('editor', {
      context: { acceptDownloads: true, colorScheme: 'dark' },
      prepare: async (dir) => {
        // EXIF Copyright + XMP + a Display P3 profile, so the export test can check they survive.
        await writeFile(join(dir, 'garden.jpg'), await jpegWithMetadata(W, H));
        await writeFile(join(dir, 'broken.jpg'), Buffer.from('this is not a JPEG'));
      },
    });
    ({ workDir, page } = session);
    photoFile = join(workDir, 'garden.jpg');
  });
  afterAll(() => session?.close());

  it('serves the renderer with a strict CSP and trades the token for a cookie', async () => {
    const response = await page.goto(session.bridge.url);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).search).toBe('');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toContain("script-src 'self'");
    await expect.poll(() => page.getByRole('heading', { name: /remove anything/i }).isVisible()).toBe(true);
    const anonymous = await fetch(`${session.bridge.origin}/api/listPhotos`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
  });

  it('shows a readable error for a file that is not an image', async () => {
    await page.locator('[data-testid="open-input"]').first().setInputFiles(join(workDir, 'broken.jpg'));
    const banner = page.locator('[data-testid="error-banner"]');
    await banner.first().waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await banner.first().textContent()) ?? '';
    expect(text).toMatch(/broken\.jpg/);
    expect(text).not.toMatch(/HTTP \d|undefined|\[object/);
    await page.screenshot({ path: join(OUT_DIR, '01-import-error.png') });
    await banner.first().getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => banner.count()).toBe(0);
  });

  it('opens a photo with a full-resolution mask behind a downscaled view', async () => {
    await openPhotoFile(page, photoFile);
    expect(await page.locator('[data-testid="photo-title"]').textContent()).toContain(`${W} × ${H}`);
    const mask = page.locator('[data-testid="mask-canvas"]');
    expect(await mask.getAttribute('data-mask-width')).toBe(String(W));
    expect(await mask.getAttribute('data-mask-height')).toBe(String(H));
    // Fitted: the whole photo is visible and the photo is drawn (the disc centre is dark).
    const v = await stageView(page);
    expect(v.scale).toBeGreaterThan(0.5);
    const c = toPage(v, DISC.cx, DISC.cy);
    await expect.poll(async () => (await photoCanvasPixel(page, c.x, c.y))[0]! < 90, { timeout: 10_000 }).toBe(true);
  });

  it('keyboard shortcuts pick tools, size the brush, zoom and show the help', async () => {
    await page.locator('[data-testid="stage"]').hover({ position: { x: 10, y: 10 } });
    for (const [key, tool] of [['l', 'lasso'], ['m', 'rect'], ['w', 'object'], ['e', 'eraser'], ['b', 'brush']] as const) {
      await page.keyboard.press(key);
      expect(await page.locator(`[data-testid="tool-${tool}"]`).getAttribute('aria-checked')).toBe('true');
    }
    // The tool picker is a radio group: arrow keys move between tools.
    await page.locator('[data-testid="tool-brush"]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('[data-testid="tool-eraser"]').getAttribute('aria-checked')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tool-eraser');
    await page.keyboard.press('ArrowLeft');
    await page.locator('[data-testid="stage"]').hover({ position: { x: 10, y: 10 } });
    const size = async () => Number((await page.locator('[data-testid="brush-size-value"]').textContent())!.replace('px', ''));
    const s0 = await size();
    await page.keyboard.press(']');
    expect(await size()).toBeGreaterThan(s0);
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    expect(await size()).toBeLessThan(s0);
    const fitted = await stageView(page);
    await page.keyboard.press('+');
    expect((await stageView(page)).scale).toBeCloseTo(fitted.scale * 1.25, 5);
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    expect((await stageView(page)).scale).toBeLessThan(fitted.scale);
    await page.keyboard.press('1');
    expect(await page.locator('[data-testid="zoom-label"]').textContent()).toBe('100 %');
    await page.keyboard.press('0');
    expect(await stageView(page)).toEqual(fitted);
    // ? opens the help, generated from the same registry the key handler uses; Escape closes it.
    await page.keyboard.press('?');
    const help = page.locator('[data-testid="shortcuts-help"]');
    await help.waitFor({ state: 'visible' });
    expect(await help.locator('[data-shortcut="edit.undo"]').textContent()).toMatch(/Ctrl.*Z/);
    expect(await help.locator('[data-shortcut]').count()).toBeGreaterThan(15);
    await page.screenshot({ path: join(OUT_DIR, '02-shortcuts.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  });

  it('brush and eraser paint and erase exactly where dragged (mask read back from the edit)', async () => {
    await setBrush(page, 40); // diameter in photo pixels
    await dragImage(page, [{ x: 100, y: 100 }, { x: 300, y: 100 }]);
    await page.locator('[data-testid="tool-eraser"]').click();
    await page.locator('[data-testid="brush-size"]').fill('20');
    await dragImage(page, [{ x: 200, y: 60 }, { x: 200, y: 140 }]);
    // Alt+drag with the brush erases too.
    await page.locator('[data-testid="tool-brush"]').click();
    await dragImage(page, [{ x: 260, y: 60 }, { x: 260, y: 140 }], { alt: true });
    // A whole stroke is one undo step: Ctrl+Z takes it back, Ctrl+Shift+Z restores it, Ctrl+Z again.
    await dragImage(page, [{ x: 100, y: 300 }, { x: 250, y: 320 }, { x: 120, y: 350 }]);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+z');
    await shot(page, '03-brush.png');
    const { edit, mask } = await removeAndReadMask(page);
    made.push(edit);
    expect([mask.width, mask.height]).toEqual([W, H]);
    expect(mask.at(100, 100)).toBe(255);
    expect(mask.at(150, 100 + 17)).toBe(255); // inside the 20 px radius
    expect(mask.at(150, 100 + 23)).toBe(0); // outside it
    expect(mask.at(80 - 4, 100)).toBe(0); // past the round cap
    expect(mask.at(200, 100)).toBe(0); // erased
    expect(mask.at(200 - 14, 100)).toBe(255);
    expect(mask.at(260, 100)).toBe(0); // Alt-erased
    expect(mask.count(0, 270, W, H)).toBe(0); // the undone stroke
    expect(mask.count()).toBeGreaterThan(200 * 40 * 0.7);
    expect(mask.count()).toBeLessThan(240 * 40);
  });

  it('rectangle selection, undo/redo of mask steps and invert', async () => {
    await page.keyboard.press('m');
    await dragImage(page, [{ x: 40, y: 40 }, { x: 160, y: 120 }]);
    await dragImage(page, [{ x: 400, y: 300 }, { x: 500, y: 400 }]);
    await page.keyboard.press('Control+z'); // drops the second rectangle
    await page.keyboard.press('Control+Shift+z'); // brings it back
    await page.keyboard.press('Control+z'); // and drops it again
    expect(await page.locator('[data-testid="redo"]').isEnabled()).toBe(true);
    await page.keyboard.press('i'); // invert: everything but the first rectangle
    const { edit, mask } = await removeAndReadMask(page);
    made.push(edit);
    // Pointer positions are fractional: allow one pixel of rounding at each edge.
    expect(mask.count(41, 41, 159, 119)).toBe(0);
    expect(mask.at(38, 38)).toBe(255);
    expect(mask.at(162, 122)).toBe(255);
    expect(mask.at(450, 350)).toBe(255);
    const hole = W * H - mask.count();
    expect(hole).toBeGreaterThanOrEqual(119 * 79);
    expect(hole).toBeLessThanOrEqual(121 * 81);
  });

  it('lasso selection fills the drawn outline', async () => {
    await page.locator('[data-testid="tool-lasso"]').click();
    const tri = [{ x: 100, y: 300 }, { x: 300, y: 300 }, { x: 100, y: 450 }, { x: 100, y: 300 }];
    await dragImage(page, tri, { steps: 10 });
    const { edit, mask } = await removeAndReadMask(page, { viaKey: true }); // Enter runs Remove
    made.push(edit);
    expect(mask.at(130, 330)).toBe(255);
    expect(mask.at(200, 320)).toBe(255);
    expect(mask.at(250, 420)).toBe(0); // beyond the hypotenuse
    expect(mask.at(90, 350)).toBe(0);
    const area = (200 * 150) / 2;
    expect(Math.abs(mask.count() - area) / area).toBeLessThan(0.05);
  });

  it('the object tool selects the clicked object by colour and edges', async () => {
    // Work on the original, where the dark disc is intact.
    await page.locator('[data-testid="original-item"]').click();
    await page.locator('[data-testid="tool-object"]').click();
    await page.locator('[data-testid="object-grow"]').fill('0');
    await clickImage(page, DISC.cx + 10, DISC.cy - 5);
    await shot(page, '04-object.png');
    const { edit, mask } = await removeAndReadMask(page);
    made.push(edit);
    expect(edit.parentId).toBeNull();
    expect(mask.at(DISC.cx, DISC.cy)).toBe(255);
    expect(mask.at(DISC.cx + DISC.r * 0.9, DISC.cy)).toBe(255);
    expect(mask.at(DISC.cx, DISC.cy - DISC.r * 0.9)).toBe(255);
    expect(mask.at(DISC.cx + DISC.r * 1.15, DISC.cy)).toBe(0);
    expect(mask.at(20, 20)).toBe(0);
    const area = Math.PI * DISC.r * DISC.r;
    expect(Math.abs(mask.count() - area) / area).toBeLessThan(0.08);
  });

  it('zoom and pan keep brush strokes aligned with image pixels', async () => {
    await setBrush(page, 6);
    const dots: { x: number; y: number; level: string }[] = [];
    const dot = async (x: number, y: number, level: string) => {
      const v = await stageView(page);
      // The brush cursor shows the real size at this zoom.
      const s = toPage(v, x, y);
      await page.mouse.move(s.x, s.y);
      const cursorW = await page.locator('[data-testid="brush-cursor"]').evaluate((el: HTMLElement) => el.getBoundingClientRect().width);
      expect(cursorW).toBeCloseTo(6 * v.scale, 0);
      await clickImage(page, x, y);
      dots.push({ x, y, level });
    };
    await page.keyboard.press('0');
    await dot(60, 60, 'fit');
    await page.keyboard.press('1');
    await dot(W / 2 + 30, H / 2 - 40, '100%');
    // Wheel-zoom around a point: the point stays under the pointer.
    const before = await stageView(page);
    // Whole CSS pixels: Chromium delivers wheel events at integer positions.
    const a = toPage(before, 500, 300);
    const anchor = { x: Math.round(a.x), y: Math.round(a.y) };
    await page.mouse.move(anchor.x, anchor.y);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -240);
    await expect.poll(async () => (await stageView(page)).scale).toBeGreaterThan(2);
    const zoomed = await stageView(page);
    const again = toPage(zoomed, 500 + (anchor.x - a.x) / before.scale, 300 + (anchor.y - a.y) / before.scale);
    expect(Math.abs(again.x - anchor.x)).toBeLessThan(0.5);
    expect(Math.abs(again.y - anchor.y)).toBeLessThan(0.5);
    await dot(505, 297, 'wheel');
    // The photo is drawn through the same transform: the disc's centre and outside at this zoom.
    const centre = toPage(zoomed, DISC.cx, DISC.cy);
    expect((await photoCanvasPixel(page, centre.x, centre.y))[0]).toBeGreaterThan(90); // disc removed in this edit
    // Space+drag pans by exactly the drag.
    await page.keyboard.down('Space');
    await page.mouse.move(700, 400);
    await page.mouse.down();
    await page.mouse.move(600, 350, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Space');
    const panned = await stageView(page);
    expect(panned.x - zoomed.x).toBeCloseTo(-100, 0);
    expect(panned.y - zoomed.y).toBeCloseTo(-50, 0);
    await dot(540, 330, 'space-pan');
    // Middle-button drag pans too.
    await page.mouse.move(600, 400);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(650, 420, { steps: 4 });
    await page.mouse.up({ button: 'middle' });
    const panned2 = await stageView(page);
    expect(panned2.x - panned.x).toBeCloseTo(50, 0);
    await dot(520, 320, 'middle-pan');
    await shot(page, '05-zoomed.png');
    await page.keyboard.press('0');
    const { edit, mask } = await removeAndReadMask(page);
    made.push(edit);
    for (const d of dots) {
      // Centroid of the dot within a window: within half a pixel of the target pixel's centre.
      let sx = 0, sy = 0, n = 0;
      for (let y = Math.floor(d.y) - 8; y <= d.y + 8; y++) for (let x = Math.floor(d.x) - 8; x <= d.x + 8; x++) {
        if (mask.at(x, y)) { sx += x + 0.5; sy += y + 0.5; n++; }
      }
      expect(n, `dot at ${d.level}`).toBeGreaterThan(15);
      expect(n, `dot at ${d.level}`).toBeLessThan(50);
      expect(Math.abs(sx / n - d.x), `x at ${d.level}`).toBeLessThan(0.75);
      expect(Math.abs(sy / n - d.y), `y at ${d.level}`).toBeLessThan(0.75);
    }
    expect(mask.count()).toBeLessThan(dots.length * 50);
  });

  it('a two-finger pinch zooms around the fingers', async () => {
    await page.keyboard.press('0');
    const before = await stageView(page);
    const cdp = await session.context.newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    const mid = toPage(before, 360, 240);
    const at = (d: number) => [
      { x: mid.x - d, y: mid.y, id: 1 },
      { x: mid.x + d, y: mid.y, id: 2 },
    ];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(40) });
    for (const d of [50, 60, 70, 80]) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(d) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
    await cdp.detach();
    const after = await stageView(page);
    expect(after.scale / before.scale).toBeCloseTo(2, 1);
    // The image point between the fingers stayed put.
    const still = toPage(after, 360, 240);
    expect(Math.abs(still.x - mid.x)).toBeLessThan(1.5);
    expect(Math.abs(still.y - mid.y)).toBeLessThan(1.5);
    await page.keyboard.press('0');
  });

  it('overlay colour and opacity change how the mask is shown, not the mask', async () => {
    await setBrush(page, 40);
    await dragImage(page, [{ x: 80, y: 420 }, { x: 200, y: 420 }]);
    const v = await stageView(page);
    const p = toPage(v, 140, 420);
    const overlayAt = () =>
      page.locator('[data-testid="mask-canvas"]').evaluate((c: HTMLCanvasElement, [x, y]) => {
        const r = c.getBoundingClientRect();
        return Array.from(c.getContext('2d')!.getImageData(Math.floor(x! - r.left), Math.floor(y! - r.top), 1, 1).data);
      }, [p.x, p.y]);
    // Canvas pixels are stored premultiplied: allow a step of rounding per channel.
    const close = (got: number[], want: number[]) => got.every((v, i) => Math.abs(v - want[i]!) <= 2);
    // Automatic colour (issue 15.11): whatever stands out from the masked pixels, shown in the swatch.
    const auto = await page.locator('[data-testid="overlay-colour"]').inputValue();
    const rgb = [1, 3, 5].map((i) => Number.parseInt(auto.slice(i, i + 2), 16));
    await expect.poll(async () => close(await overlayAt(), [...rgb, Math.round(255 * 0.55)])).toBe(true);
    await page.locator('[data-testid="overlay-colour"]').evaluate((el: HTMLInputElement) => {
      el.value = '#00ff00';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.locator('[data-testid="overlay-opacity"]').fill('1');
    await expect.poll(async () => close(await overlayAt(), [0, 255, 0, 255])).toBe(true);
    await page.locator('[data-testid="overlay-colour"]').evaluate((el: HTMLInputElement) => {
      el.value = '#ff4060';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.locator('[data-testid="overlay-opacity"]').fill('0.55');
    await page.locator('[data-testid="clear-mask"]').click();
    await expect.poll(async () => (await overlayAt())[3]).toBe(0);
  });

  it('clear empties the mask; Remove is only offered with something to remove', async () => {
    await setBrush(page, 30);
    await dragImage(page, [{ x: 50, y: 400 }, { x: 150, y: 400 }]);
    expect(await page.locator('[data-testid="remove-button"]').isEnabled()).toBe(true);
    await page.locator('[data-testid="stage"]').hover({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Delete');
    expect(await page.locator('[data-testid="remove-button"]').isEnabled()).toBe(false);
    await page.keyboard.press('Control+z'); // clearing is undoable
    expect(await page.locator('[data-testid="remove-button"]').isEnabled()).toBe(true);
    await page.locator('[data-testid="clear-mask"]').click();
    expect(await page.locator('[data-testid="remove-button"]').isEnabled()).toBe(false);
  });

  it('history: a tree with thumbnails; continuing from an older edit branches; undo/redo step through edits', async () => {
    const photo = await currentPhoto(page);
    let edits = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
    expect(await page.locator('[data-testid="edit-item"]').count()).toBe(edits.length);
    // The first edit already has one child (the rectangle edit); continue from it again.
    const first = made[0]!;
    await page.locator(`[data-testid="edit-item"][data-edit-id="${first.id}"]`).click();
    await page.locator('[data-testid="viewing-badge"]').filter({ hasText: `#${first.id}` }).waitFor();
    await page.keyboard.press('m');
    await dragImage(page, [{ x: 560, y: 40 }, { x: 660, y: 120 }]);
    const { edit: branch } = await removeAndReadMask(page);
    expect(branch.parentId).toBe(first.id);
    edits = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
    expect(edits.filter((e) => e.parentId === first.id).length).toBe(2);
    const node = page.locator(`[data-testid="edit-node"][data-edit-id="${branch.id}"]`);
    expect(await node.getAttribute('data-parent-id')).toBe(String(first.id));
    expect(await node.getAttribute('data-depth')).toBe('2');
    // Thumbnails load from the library.
    await expect.poll(() => node.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.locator(`[data-testid="edit-item"][data-edit-id="${branch.id}"]`).textContent()).toMatch(/Fast marching|telea/i);
    await dismissNotices(page);
    await shot(page, '06-history-branch.png');

    // Undo with no mask steps left steps back to the parent edit, redo forward again.
    await page.locator('[data-testid="stage"]').hover({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await page.locator('[data-testid="viewing-badge"]').filter({ hasText: `#${first.id}` }).waitFor();
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid="viewing-badge"]').count()).toBe(0); // the original
    await page.keyboard.press('Control+Shift+z');
    await page.locator('[data-testid="viewing-badge"]').filter({ hasText: `#${first.id}` }).waitFor();
    await page.locator('[data-testid="redo"]').click();
    await page.locator('[data-testid="viewing-badge"]').filter({ hasText: `#${branch.id}` }).waitFor();
  });

  it('before/after: hold \\ for the original, and a split slider', async () => {
    // The object edit removed the disc: the original shows it dark, the edit light.
    const objectEdit = made[3]!;
    await page.locator(`[data-testid="edit-item"][data-edit-id="${objectEdit.id}"]`).click();
    await page.keyboard.press('0');
    const v = await stageView(page);
    const c = toPage(v, DISC.cx, DISC.cy);
    await page.mouse.move(5, 5);
    await expect.poll(async () => (await photoCanvasPixel(page, c.x, c.y))[0]!, { timeout: 10_000 }).toBeGreaterThan(90);
    await page.keyboard.down('\\');
    await page.locator('[data-testid="before-badge"]').waitFor();
    expect((await photoCanvasPixel(page, c.x, c.y))[0]).toBeLessThan(90);
    await page.keyboard.up('\\');
    await page.locator('[data-testid="viewing-badge"]').waitFor();
    expect((await photoCanvasPixel(page, c.x, c.y))[0]).toBeGreaterThan(90);
    await page.locator('[data-testid="compare-toggle"]').click();
    const slider = page.locator('[data-testid="split-slider"]');
    await slider.fill('1'); // all "before"
    await expect.poll(async () => (await photoCanvasPixel(page, c.x, c.y))[0]!).toBeLessThan(90);
    await slider.fill('0.3'); // the disc lies right of the split: "after"
    await expect.poll(async () => (await photoCanvasPixel(page, c.x, c.y))[0]!).toBeGreaterThan(90);
    await slider.fill('0.62');
    await shot(page, '07-compare.png');
    await page.keyboard.press('c');
    await expect.poll(() => slider.count()).toBe(0);
  });

  it('main state screenshot: history tree with a branch, a painted mask and the brush cursor', async () => {
    const branchNode = page.locator('[data-testid="edit-node"][data-depth="2"]').last();
    await branchNode.locator('[data-testid="edit-item"]').click();
    await page.keyboard.press('0');
    await setBrush(page, 56);
    await dragImage(page, [{ x: 130, y: 320 }, { x: 270, y: 330 }, { x: 150, y: 380 }, { x: 265, y: 390 }], { steps: 12 });
    const v = await stageView(page);
    const end = toPage(v, 300, 360);
    await dismissNotices(page);
    await page.mouse.move(end.x, end.y);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(OUT_DIR, '00-editor.png') });
    await page.locator('[data-testid="clear-mask"]').click();
  });

  it("reuses the mask kept with an edit", async () => {
    const source = made[2]!; // the lasso edit
    const kept = await libraryFile(page, source.maskFile!);
    expect(kept.status).toBe(200);
    await page.locator(`[data-testid="edit-node"][data-edit-id="${source.id}"] [data-testid="reuse-mask"]`).click();
    await expect.poll(() => page.locator('[data-testid="remove-button"]').isEnabled()).toBe(true);
    const { mask } = await removeAndReadMask(page);
    const original = await sharp(kept.body).greyscale().raw().toBuffer();
    expect(mask.data.equals(original)).toBe(true);
  });

  it('deletes an edit with its files', async () => {
    const photo = await currentPhoto(page);
    const victim = made[4]!; // the zoom/pan dots edit (a leaf)
    const outputBefore = await libraryFile(page, victim.outputFile);
    expect(outputBefore.status).toBe(200);
    await page.locator(`[data-testid="edit-node"][data-edit-id="${victim.id}"] [data-testid="delete-edit"]`).click();
    await page.locator('[data-testid="confirm-delete"]').click();
    await expect.poll(() => page.locator(`[data-testid="edit-item"][data-edit-id="${victim.id}"]`).count()).toBe(0);
    const edits = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
    expect(edits.some((e) => e.id === victim.id)).toBe(false);
    expect((await libraryFile(page, victim.outputFile)).status).toBe(404);
  });

  it('exports with a sensible name, chosen format and quality, keeping EXIF and the colour profile', async () => {
    const edit = made[3]!;
    await page.locator(`[data-testid="edit-item"][data-edit-id="${edit.id}"]`).click();
    await page.locator('[data-testid="export-format"]').selectOption('jpeg');
    await page.locator('[data-testid="export-quality"]').fill('80');
    expect(await page.locator('[data-testid="export-name"]').textContent()).toBe('garden-renovo.jpg');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.keyboard.press('Control+s')]);
    expect(download.suggestedFilename()).toBe('garden-renovo.jpg');
    const saved = join(workDir, 'exported.jpg');
    await download.saveAs(saved);
    const meta = await sharp(await readFile(saved)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', W, H]);
    expect(meta.exif?.toString('latin1')).toContain(FIXTURE_COPYRIGHT);
    expect(meta.icc).toBeTruthy();
    // The original in the library is untouched.
    const photo = await currentPhoto(page);
    const original = await libraryFile(page, photo.path);
    if (original.status === 200) expect(original.body.equals(await readFile(photoFile))).toBe(true);
    await page.locator('[data-testid="export-format"]').selectOption('png');
    const [png] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator('[data-testid="export-button"]').click()]);
    expect(png.suggestedFilename()).toBe('garden-renovo.png');
  });

  it('opens photos by paste and drag-and-drop, and lists recent photos', async () => {
    const small = await sharp(photoPixels(320, 200).data, { raw: { width: 320, height: 200, channels: 3 } }).png().toBuffer();
    const b64 = small.toString('base64');
    await page.evaluate((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
    }, b64);
    await expect.poll(() => page.locator('[data-testid="photo-title"]').textContent(), { timeout: 30_000 }).toMatch(/pasted-.*320 × 200/);
    await page.locator('[data-testid="busy"]').waitFor({ state: 'detached', timeout: 30_000 });
    const dropped = await sharp(photoPixels(300, 240).data, { raw: { width: 300, height: 240, channels: 3 } }).jpeg().toBuffer();
    await page.evaluate((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
      const target = document.querySelector('[data-testid="stage"]')!;
      for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, dropped.toString('base64'));
    await expect.poll(() => page.locator('[data-testid="photo-title"]').textContent(), { timeout: 30_000 }).toMatch(/dropped\.jpg.*300 × 240/);
    await expect.poll(() => page.locator('[data-testid="photo-item"]').count()).toBe(3);
    // Back to the garden photo through the recent list: its history is still there.
    await page.locator('[data-testid="photo-item"]', { hasText: 'garden.jpg' }).click();
    await expect.poll(() => page.locator('[data-testid="edit-item"]').count()).toBeGreaterThan(3);
  });

  it('light theme and a narrow window keep the editor usable', async () => {
    await page.locator('[data-testid="theme-toggle"]').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await dismissNotices(page);
    await shot(page, '08-light.png');
    await page.setViewportSize({ width: 760, height: 900 });
    await page.waitForTimeout(200);
    expect(await page.locator('[data-testid="remove-button"]').isVisible()).toBe(true);
    const stage = await page.locator('[data-testid="stage"]').boundingBox();
    expect(stage!.width).toBeGreaterThan(700);
    await page.screenshot({ path: join(OUT_DIR, '09-narrow.png') });
    await page.setViewportSize({ width: 1360, height: 860 });
    await page.locator('[data-testid="theme-toggle"]').click();
  });

  it('shows progress for a running removal and cancels it', async () => {
    const BW = 2400;
    const BH = 1600;
    const big = photoPixels(BW, BH);
    const bigFile = join(workDir, 'big.jpg');
    await writeFile(bigFile, await sharp(big.data, { raw: { width: BW, height: BH, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
    await page.locator('[data-testid="open-input"]').first().setInputFiles(bigFile);
    await expect.poll(async () => page.locator('[data-testid="photo-title"]').textContent(), { timeout: 60_000 }).toContain(`${BW} × ${BH}`);
    expect(await page.locator('[data-testid="mask-canvas"]').getAttribute('data-mask-width')).toBe(String(BW));
    await page.keyboard.press('m');
    await dragImage(page, [{ x: BW * 0.25, y: BH * 0.3 }, { x: BW * 0.75, y: BH * 0.7 }]);
    await page.locator('[data-testid="engine-select"]').selectOption('patchmatch');
    await page.locator('[data-testid="remove-button"]').click();
    const cancel = page.locator('[data-testid="cancel-button"]');
    await expect.poll(() => cancel.isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('[data-testid="progress"]').isVisible()).toBe(true);
    // The bar follows the job's progress events.
    await expect
      .poll(() => page.locator('[data-testid="progress"]').evaluate((p: HTMLProgressElement) => p.value), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await dismissNotices(page);
    await page.screenshot({ path: join(OUT_DIR, '10-running.png') });
    await cancel.click();
    await expect.poll(() => page.locator('[data-testid="job"]').count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => page.getByText('Removal cancelled.').count()).toBe(1);
    expect(await page.locator('[data-testid="edit-item"]').count()).toBe(0);
    expect(await page.locator('[data-testid="remove-button"]').isEnabled()).toBe(true); // the mask survives
  });

  it("a GAN removal with the shipped landscape model's z-encoder shows an instant preview over the hole until the result replaces it", async () => {
    await page.locator('[data-testid="photo-item"]', { hasText: 'garden.jpg' }).click();
    await expect.poll(() => page.locator('[data-testid="photo-title"]').textContent()).toContain(`${W} × ${H}`);
    const photo = await currentPhoto(page);
    const before = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
    await setBrush(page, 40);
    await dragImage(page, [{ x: 200, y: 120 }, { x: 260, y: 130 }]);
    await page.locator('[data-testid="engine-select"]').selectOption('gan-zopt');
    const models = page.locator('[data-testid="gan-model-select"]');
    const landscape = (await models.locator('option').allTextContents()).find((t) => t.startsWith('landscape-dcgan64'));
    expect(landscape, 'the shipped landscape model (it has a z-encoder)').toBeDefined();
    await models.selectOption({ label: landscape! });
    // with a z-encoder the search's iterations and restarts are not the full search's, unless asked for
    expect(await page.locator('[data-testid="gan-encoder-hint"]').textContent()).toMatch(/z-encoder: up to 100 iterations/);
    expect(await page.locator('[data-testid="gan-iterations"]').isDisabled()).toBe(true);
    await page.locator('[data-testid="gan-full-search"]').check();
    expect(await page.locator('[data-testid="gan-iterations"]').isEnabled()).toBe(true);
    expect(await page.locator('[data-testid="gan-encoder-hint"]').textContent()).toMatch(/^\s*Full search/);
    await page.locator('[data-testid="gan-full-search"]').uncheck();
    await page.evaluate(() => performance.clearMarks('renovo:fill-preview-painted'));
    await page.locator('[data-testid="remove-button"]').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="edit-item"]').length > n, before.length, { timeout: 90_000 });
    await page.locator('[data-testid="job"]').waitFor({ state: 'detached', timeout: 30_000 });
    // the preview was drawn while the search ran, and is gone now that the result is shown
    expect(await page.evaluate(() => performance.getEntriesByName('renovo:fill-preview-painted').length)).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="fill-preview-canvas"]').getAttribute('data-patches')).toBe('0');
    expect(await page.locator('[data-testid="fill-preview-badge"]').count()).toBe(0);
    const after = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
    const made = after.find((e) => !before.some((b) => b.id === e.id));
    expect(made?.engine).toBe('gan-zopt');
    expect(made?.params).toMatchObject({ gan: { start: 'auto' }, ganHoles: [{ start: 'encoder' }] });
    await page.locator('[data-testid="engine-select"]').selectOption('auto');
  });

  it('keeps strokes aligned on a high-DPI screen (device pixel ratio 2)', async () => {
    const hidpi = await session.browser.newContext({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 2 });
    try {
      const p2 = await hidpi.newPage();
      p2.on('pageerror', (error) => session.problems.push(`pageerror (DPR 2): ${error.message}`));
      await p2.goto(session.bridge.url);
      await p2.locator('[data-testid="photo-item"]', { hasText: 'garden.jpg' }).click();
      await p2.locator('[data-testid="photo-title"]').waitFor();
      const overlay = await p2.locator('[data-testid="mask-canvas"]').evaluate((c: HTMLCanvasElement) => [c.width, c.getBoundingClientRect().width]);
      expect(overlay[0]).toBe(Math.round(overlay[1]! * 2)); // device-resolution overlay
      await p2.keyboard.press('1');
      await setBrush(p2, 6);
      await clickImage(p2, 333, 222);
      await p2.keyboard.press('+');
      await p2.keyboard.press('+');
      await clickImage(p2, 377, 244);
      const { mask } = await removeAndReadMask(p2);
      for (const d of [{ x: 333, y: 222 }, { x: 377, y: 244 }]) {
        let sx = 0, sy = 0, n = 0;
        for (let y = d.y - 8; y <= d.y + 8; y++) for (let x = d.x - 8; x <= d.x + 8; x++) if (mask.at(x, y)) { sx += x + 0.5; sy += y + 0.5; n++; }
        expect(n).toBeGreaterThan(15);
        expect(Math.abs(sx / n - d.x)).toBeLessThan(0.75);
        expect(Math.abs(sy / n - d.y)).toBeLessThan(0.75);
      }
    } finally {
      await hidpi.close();
    }
  });

  it('logged no CSP violations or page errors', async () => {
    // The README's screenshot is refreshed only on request, so a test run never dirties the tree:
    //   RENOVO_UPDATE_SCREENSHOTS=1 npx vitest run --project e2e
    if (process.env.RENOVO_UPDATE_SCREENSHOTS === '1') {
      await copyFile(join(OUT_DIR, '00-editor.png'), join(ROOT, 'docs', 'screenshot-editor.png'));
    }
    const unexpected = session.unexpectedProblems();
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });
});
