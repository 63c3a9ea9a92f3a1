// Issue 15's editor items in real Chromium against `renovo serve`: Enter removes whatever toolbar
// button has focus (15.9), and the object tool segments a whole object from a click or a box (15.10).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EditDto } from '../../src/shared/contract';
import { OUT_DIR, describeE2e, startSession, type E2eSession } from './bridge';
import { apiCall, clickImage, currentPhoto, dragImage, openPhotoFile, removeAndReadMask, type MaskImage } from './editor-helpers';

const W = 720;
const H = 480;
const TANK = { cx: 400, cy: 250, r: 110 };
const HIGHLIGHT = { x: TANK.cx - 0.4 * TANK.r, y: TANK.cy - 0.4 * TANK.r };

/** A red disc with a bright highlight on striped grass-and-earth: the "red tank" of issue 15.10. */
async function redTankPng(): Promise<Buffer> {
  const data = Buffer.alloc(W * H * 3);
  let s = 7;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      const n = (rand() - 0.5) * 40;
      if ((x - TANK.cx) ** 2 + (y - TANK.cy) ** 2 <= TANK.r ** 2) {
        const hl = Math.max(0, 1 - Math.hypot(x - HIGHLIGHT.x, y - HIGHLIGHT.y) / (TANK.r * 0.35));
        data[o] = Math.min(255, 170 + n / 2 + 80 * hl); data[o + 1] = Math.min(255, 30 + n / 2 + 200 * hl); data[o + 2] = Math.min(255, 35 + n / 2 + 200 * hl);
      } else {
        const stripe = Math.floor(x / 23 + y / 31) % 3;
        data[o] = Math.max(0, [70, 120, 90][stripe]! + n); data[o + 1] = Math.max(0, [120, 100, 140][stripe]! + n); data[o + 2] = Math.max(0, [60, 80, 150][stripe]! + n);
      }
    }
  }
  return sharp(data, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
}

function iouWithTank(mask: MaskImage): number {
  let inter = 0, union = 0;
  for (let y = 0; y < H; y += 2) {
    for (let x = 0; x < W; x += 2) {
      const inTank = (x - TANK.cx) ** 2 + (y - TANK.cy) ** 2 <= TANK.r ** 2;
      const sel = mask.at(x, y) > 0;
      if (inTank && sel) inter++;
      if (inTank || sel) union++;
    }
  }
  return inter / union;
}

describeE2e('newcomer friction (issue 15) in Chromium', () => {
  let session: E2eSession;
  let workDir: string;
  let page: Page;

  beforeAll(async () => {
    session = await startSession('newcomer', {
      prepare: async (dir) => {
        await writeFile(join(dir, 'tank.png'), await redTankPng());
        await writeFile(join(dir, 'second.png'), await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 90, b: 160 } } }).png().toBuffer());
      },
    });
    ({ workDir, page } = session);
    await page.goto(session.bridge.url);
    await openPhotoFile(page, join(workDir, 'tank.png'));
  });
  afterAll(() => session?.close());

  it('object tool: a click on the red object\'s highlight selects the whole object, in a worker (15.10)', async () => {
    await page.locator('[data-testid="tool-object"]').click();
    await page.locator('[data-testid="object-grow"]').fill('0');
    await clickImage(page, HIGHLIGHT.x, HIGHLIGHT.y);
    await expect.poll(() => page.evaluate(() => performance.getEntriesByName('renovo:object-select').length), { timeout: 20_000 }).toBe(1);
    const ms = await page.evaluate(() => performance.getEntriesByName('renovo:object-select')[0]!.duration);
    expect(ms).toBeLessThan(5000);
    await page.screenshot({ path: join(OUT_DIR, 'newcomer-object-click.png') });
    const { mask } = await removeAndReadMask(page);
    expect(iouWithTank(mask)).toBeGreaterThan(0.85);
  });

  it('object tool: dragging a box around the object selects it (15.10)', async () => {
    await page.locator('[data-testid="original-item"]').click();
    await page.locator('[data-testid="tool-object"]').click();
    await dragImage(page, [{ x: TANK.cx - TANK.r - 30, y: TANK.cy - TANK.r - 30 }, { x: TANK.cx + TANK.r + 30, y: TANK.cy + TANK.r + 30 }], { steps: 8 });
    await expect.poll(() => page.evaluate(() => performance.getEntriesByName('renovo:object-select').length), { timeout: 20_000 }).toBe(2);
    const { mask } = await removeAndReadMask(page);
    expect(iouWithTank(mask)).toBeGreaterThan(0.85);
  });

  it('Enter removes even while a toolbar button has focus (15.9)', async () => {
    await page.locator('[data-testid="original-item"]').click();
    const photo = await currentPhoto(page);
    const before = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
    await page.locator('[data-testid="engine-select"]').selectOption('telea');
    await page.locator('[data-testid="tool-rect"]').click();
    await dragImage(page, [{ x: 40, y: 40 }, { x: 90, y: 80 }]);
    await page.locator('[data-testid="invert-mask"]').click();
    await page.locator('[data-testid="invert-mask"]').click();
    await page.locator('[data-testid="tool-rect"]').focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tool-rect');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="edit-item"]').length > n, before.length, { timeout: 60_000 });
    expect((await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id })).length).toBe(before.length + 1);
    expect(session.unexpectedProblems().join('\n')).toBe('');
  });

  it('the split compare labels both sides, Before and After (15.14)', async () => {
    const edits = await apiCall<EditDto[]>(page, 'listEdits', { photoId: (await currentPhoto(page)).id });
    await page.locator(`[data-testid="edit-item"][data-edit-id="${edits.at(-1)!.id}"]`).click();
    await page.locator('[data-testid="stage"]').hover({ position: { x: 5, y: 5 } });
    await page.keyboard.press('c');
    await expect.poll(() => page.locator('[data-testid="split-before-label"]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid="split-after-label"]').isVisible()).toBe(true);
    const before = (await page.locator('[data-testid="split-before-label"]').boundingBox())!;
    const after = (await page.locator('[data-testid="split-after-label"]').boundingBox())!;
    expect(before.x + before.width).toBeLessThanOrEqual(after.x);
    await page.screenshot({ path: join(OUT_DIR, 'newcomer-split.png') });
    await page.keyboard.press('c');
  });

  it('the mask overlay picks a colour that stands out on a red object, and keeps the user\'s pick (15.11)', async () => {
    await page.locator('[data-testid="original-item"]').click();
    await page.locator('[data-testid="tool-rect"]').click();
    await dragImage(page, [{ x: TANK.cx - 50, y: TANK.cy - 20 }, { x: TANK.cx + 50, y: TANK.cy + 60 }]);
    const colour = page.locator('[data-testid="overlay-colour"]');
    await expect.poll(() => colour.inputValue(), { timeout: 10_000 }).not.toBe('#ff4060');
    await colour.evaluate((el: HTMLInputElement) => {
      el.value = '#00ff00';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await page.locator('[data-testid="overlay-auto"]').getAttribute('aria-pressed')).toBe('false');
    await page.reload();
    await page.locator('[data-testid="photo-item"]').first().click();
    await page.locator('[data-testid="photo-title"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="overlay-colour"]').inputValue()).toBe('#00ff00');
    await page.locator('[data-testid="overlay-auto"]').click();
  });

  it('edits are numbered per photo: a second photo\'s first edit is #1 (15.14)', async () => {
    await page.locator('[data-testid="open-input"]').first().setInputFiles(join(workDir, 'second.png'));
    await page.locator('[data-testid="photo-title"]').filter({ hasText: '320 × 240' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="tool-rect"]').click();
    await dragImage(page, [{ x: 100, y: 100 }, { x: 140, y: 130 }]);
    const { edit } = await removeAndReadMask(page);
    expect(edit.id).toBeGreaterThan(1); // the database id is global…
    const title = page.locator(`[data-testid="edit-item"][data-edit-id="${edit.id}"] [data-testid="edit-number"]`);
    expect(await title.textContent()).toMatch(/^#1 /); // …the number shown is this photo's
    expect(await page.locator('[data-testid="viewing-badge"]').textContent()).toMatch(/^Edit #1 /);
  });
});
