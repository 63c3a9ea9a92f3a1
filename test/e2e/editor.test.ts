// End-to-end: the real renderer in Debian's Chromium against the real web bridge (`renovo serve`,
// the same RenovoApi the desktop preload exposes). Needs `npm run build` first (`npm test` does it).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditDto, PhotoDto } from '../../src/shared/api';
import { photoPixels } from '../fixtures/images';
import { OUT_DIR, assertBuilt, launchChromium, missingPrerequisite, startBridge, type Bridge } from './bridge';

const missing = missingPrerequisite();
if (missing) console.warn(`[e2e] skipping the editor e2e suite: ${missing}`);

// The fixture photo: photoPixels draws a dark disc centred at (0.6 W, 0.55 H), radius 0.2 min(W, H).
const W = 720;
const H = 480;
const DISC = { cx: W * 0.6, cy: H * 0.55, r: Math.min(W, H) * 0.2 };

async function apiCall<T>(page: Page, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ([m, body]) => {
      const response = await fetch(`/api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (!response.ok) throw new Error(`${m}: HTTP ${response.status} ${await response.text()}`);
      return response.json();
    },
    [method, JSON.stringify(input)] as const,
  ) as Promise<T>;
}

async function dismissNotices(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

async function rawRgb(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe.skipIf(missing !== null)('editor (Chromium against renovo serve)', () => {
  let workDir: string;
  let libraryDir: string;
  let photoFile: string;
  let bridge: Bridge;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleProblems: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    workDir = await mkdtemp(join(tmpdir(), 'renovo-e2e-'));
    libraryDir = join(workDir, 'library');
    photoFile = join(workDir, 'garden.jpg');
    const px = photoPixels(W, H);
    await writeFile(photoFile, await sharp(px.data, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
    await writeFile(join(workDir, 'broken.jpg'), Buffer.from('this is not a JPEG'));
    bridge = await startBridge(libraryDir);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) consoleProblems.push(message.text());
    });
    page.on('pageerror', (error) => consoleProblems.push(`pageerror: ${error.message}`));
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await bridge?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('serves the renderer with a strict CSP and trades the token for a cookie', async () => {
    const response = await page.goto(bridge.url);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    // The renderer's own <meta> policy is there too (the desktop app relies on the same page).
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toContain("script-src 'self'");
    await expect.poll(() => page.getByRole('heading', { name: /remove anything/i }).isVisible()).toBe(true);
    // Without the cookie the API is closed.
    const anonymous = await fetch(`${bridge.origin}/api/listPhotos`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
  });

  it('shows a readable error for a file that is not an image', async () => {
    await page.locator('[data-testid="open-input"]').first().setInputFiles(join(workDir, 'broken.jpg'));
    const banner = page.locator('[data-testid="error-banner"]');
    await banner.first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await banner.first().textContent()).toMatch(/broken\.jpg/);
    await page.screenshot({ path: join(OUT_DIR, '01-import-error.png') });
    await banner.first().getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => banner.count()).toBe(0);
  });

  it('opens a photo, paints a mask, removes the object and lists the edit', async () => {
    await page.locator('[data-testid="open-input"]').first().setInputFiles(photoFile);
    await page.locator('[data-testid="photo-title"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="photo-title"]').textContent()).toContain(`${W} × ${H}`);

    // The mask canvas works at the photo's full resolution whatever its size on screen.
    const mask = page.locator('[data-testid="mask-canvas"]');
    expect(await mask.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([W, H]);
    const box = (await mask.boundingBox())!;
    expect(box.width).toBeGreaterThan(100);
    const scale = box.width / W; // screen px per image px

    // A brush as wide as half the disc, one stroke across its middle.
    const brushCss = Math.round(DISC.r * scale);
    await page.locator('[data-testid="brush-size"]').fill(String(brushCss));
    const toScreen = (x: number, y: number) => ({ x: box.x + x * scale, y: box.y + y * scale });
    const from = toScreen(DISC.cx - DISC.r * 0.6, DISC.cy);
    const to = toScreen(DISC.cx + DISC.r * 0.6, DISC.cy);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 12 });
    await page.mouse.up();
    await page.screenshot({ path: join(OUT_DIR, '02-painted.png') });

    const remove = page.locator('[data-testid="remove-button"]');
    expect(await remove.isEnabled()).toBe(true);
    await remove.click();
    await page.locator('[data-testid="edit-item"]').first().waitFor({ timeout: 90_000 });
    await page.locator('[data-testid="viewing-badge"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="job"]').count()).toBe(0);
    await page.waitForTimeout(300); // let the result preview draw
    await page.screenshot({ path: join(OUT_DIR, '03-result.png') });

    // The history the UI shows is what the library recorded.
    const photos = await apiCall<PhotoDto[]>(page, 'listPhotos', {});
    expect(photos).toHaveLength(1);
    const edits = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photos[0]!.id });
    expect(edits).toHaveLength(1);
    expect(await page.locator('[data-testid="edit-item"]').count()).toBe(1);
    const edit = edits[0]!;

    // The mask the renderer encoded: full resolution, painted along the stroke, empty far away.
    expect(edit.maskFile).toBeTruthy();
    const maskPx = await sharp(join(libraryDir, edit.maskFile!)).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect([maskPx.info.width, maskPx.info.height]).toEqual([W, H]);
    const maskAt = (x: number, y: number) => maskPx.data[Math.round(y) * W + Math.round(x)]!;
    expect(maskAt(DISC.cx, DISC.cy)).toBeGreaterThan(0);
    expect(maskAt(DISC.cx - DISC.r * 0.5, DISC.cy)).toBeGreaterThan(0);
    expect(maskAt(10, 10)).toBe(0);
    expect(maskAt(DISC.cx, DISC.cy - DISC.r * 0.9)).toBe(0);

    // The result differs from the original inside the stroke (the dark disc was filled from its
    // lighter surroundings) and matches it far from the stroke.
    const original = await rawRgb(photoFile);
    const result = await rawRgb(join(libraryDir, edit.outputFile));
    expect([result.width, result.height]).toEqual([W, H]);
    const meanDiff = (x0: number, x1: number, y0: number, y1: number) => {
      let sum = 0;
      let n = 0;
      for (let y = Math.round(y0); y <= Math.round(y1); y++) {
        for (let x = Math.round(x0); x <= Math.round(x1); x++) {
          const o = (y * W + x) * 3;
          for (let c = 0; c < 3; c++) sum += Math.abs(original.data[o + c]! - result.data[o + c]!);
          n += 3;
        }
      }
      return sum / n;
    };
    const inside = meanDiff(DISC.cx - DISC.r * 0.4, DISC.cx + DISC.r * 0.4, DISC.cy - 2, DISC.cy + 2);
    const outside = meanDiff(20, 80, 20, 80);
    expect(inside).toBeGreaterThan(20);
    expect(outside).toBeLessThan(4);
  });

  it('switches between the original and the edit, and exports the edit', async () => {
    await page.locator('[data-testid="original-item"]').click();
    await expect.poll(() => page.locator('[data-testid="viewing-badge"]').count()).toBe(0);
    await page.locator('[data-testid="edit-item"]').first().click();
    await page.locator('[data-testid="viewing-badge"]').waitFor();

    await page.locator('[data-testid="export-format"]').selectOption('png');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.locator('[data-testid="export-button"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    const saved = join(workDir, download.suggestedFilename());
    await download.saveAs(saved);
    const meta = await sharp(await readFile(saved)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', W, H]);
  });

  it('builds a second removal on the edit that is shown', async () => {
    // The light rectangle of photoPixels: x 15–40 % of W, y 60–85 % of H.
    const mask = page.locator('[data-testid="mask-canvas"]');
    const box = (await mask.boundingBox())!;
    const scale = box.width / W;
    await page.locator('[data-testid="brush-size"]').fill(String(Math.round(H * 0.2 * scale)));
    const y = (H * 0.725) * scale + box.y;
    await page.mouse.move(box.x + W * 0.18 * scale, y);
    await page.mouse.down();
    await page.mouse.move(box.x + W * 0.37 * scale, y, { steps: 10 });
    await page.mouse.up();
    await page.mouse.move(box.x + W * 0.3 * scale, box.y + H * 0.35 * scale);
    await dismissNotices(page);
    await page.screenshot({ path: join(OUT_DIR, '04-second-stroke.png') });

    await page.locator('[data-testid="remove-button"]').click();
    await expect.poll(() => page.locator('[data-testid="edit-item"]').count(), { timeout: 90_000 }).toBe(2);
    await expect.poll(() => page.locator('[data-testid="job"]').count()).toBe(0);
    const photos = await apiCall<PhotoDto[]>(page, 'listPhotos', {});
    const edits = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photos[0]!.id });
    expect(edits).toHaveLength(2);
    const [first, second] = [...edits].sort((a, b) => a.id - b.id);
    expect(second!.parentId).toBe(first!.id);
    expect(await page.locator('[data-testid="viewing-badge"]').textContent()).toContain(`#${second!.id}`);
    await page.mouse.move(box.x + W * 0.3 * scale, box.y + H * 0.3 * scale);
    await dismissNotices(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT_DIR, '05-second-result.png') });
  });

  it('cancels a running removal', async () => {
    // A bigger photo and a big hole, so the job runs long enough to be cancelled.
    const BW = 2400;
    const BH = 1600;
    const big = photoPixels(BW, BH);
    const bigFile = join(workDir, 'big.jpg');
    await writeFile(bigFile, await sharp(big.data, { raw: { width: BW, height: BH, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
    await page.locator('[data-testid="open-input"]').first().setInputFiles(bigFile);
    await expect.poll(async () => page.locator('[data-testid="photo-title"]').textContent(), { timeout: 60_000 }).toContain(`${BW} × ${BH}`);
    const mask = page.locator('[data-testid="mask-canvas"]');
    expect(await mask.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([BW, BH]);
    const box = (await mask.boundingBox())!;
    await page.locator('[data-testid="brush-size"]').fill('200');
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 15 });
    await page.mouse.up();

    await page.locator('[data-testid="remove-button"]').click();
    const cancel = page.locator('[data-testid="cancel-button"]');
    await expect.poll(() => cancel.isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.screenshot({ path: join(OUT_DIR, '06-running.png') });
    await cancel.click();
    await expect.poll(() => page.locator('[data-testid="job"]').count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => page.getByText('Removal cancelled.').count()).toBe(1);
    expect(await page.locator('[data-testid="edit-item"]').count()).toBe(0);
    // The mask survives a cancel, so the user can try again.
    expect(await page.locator('[data-testid="remove-button"]').isEnabled()).toBe(true);
  });

  it('logged no CSP violations or page errors', () => {
    // The deliberate import failure logs a failed request (HTTP 422); everything else is clean.
    const unexpected = consoleProblems.filter((text) => !/status of 4\d\d/.test(text));
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });
});
