// End-to-end: the Batch tab in Chromium against `renovo serve`: a generated folder of 2 damaged
// scans is checked, restored with live progress, and the report opens (one self-contained page
// from a blob: URL, thumbnails inlined: the strict CSP allows it, no script).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashTree, scanJpeg } from '../fixtures/restore';
import { OUT_DIR, describeE2e, startSession, type E2eSession } from './bridge';

describeE2e('batch panel (Chromium against renovo serve)', () => {
  let session: E2eSession;
  let workDir: string;
  let page: Page;

  beforeAll(async () => {
    session = await startSession('batch', {
      context: { colorScheme: 'light' },
      prepare: async (dir) => {
        await mkdir(join(dir, 'scans', 'album'), { recursive: true });
        await writeFile(join(dir, 'scans', 'grandma.jpg'), await scanJpeg(3, 240, 180));
        await writeFile(join(dir, 'scans', 'album', 'wedding.jpg'), await scanJpeg(4, 240, 180));
      },
    });
    ({ workDir, page } = session);
  });
  afterAll(() => session?.close());

  it('restores a folder of 2 scans with progress and opens the report', async () => {
    const input = join(workDir, 'scans');
    const before = await hashTree(input);
    await page.goto(session.bridge.url);
    await page.getByRole('tab', { name: 'Batch' }).click();
    await page.locator('[data-testid="batch-panel"]').waitFor();

    await page.locator('[data-testid="batch-folder"]').fill(join(workDir, 'missing'));
    await page.locator('[data-testid="batch-inspect"]').click();
    await expect.poll(() => page.locator('[data-testid="batch-folder-error"]').textContent().catch(() => '')).toMatch(/not found/);

    await page.getByLabel('Scans (input folder)').fill(input);
    await page.locator('[data-testid="batch-inspect"]').click();
    await expect.poll(() => page.locator('[data-testid="batch-folder-count"]').textContent().catch(() => '')).toMatch(/^2 images found/);
    expect(await page.getByLabel('Restored photos (output folder)').inputValue()).toBe(`${input}-restored`);
    await page.locator('[data-testid="batch-suffix"]').fill('_r');
    await page.locator('[data-testid="batch-start"]').click();

    const status = page.locator('[data-testid="batch-status-text"]');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/Done: 2 restored, 0 failed, 0 skipped/);
    expect(await page.locator('[data-testid="batch-progress"]').evaluate((el: HTMLProgressElement) => el.value)).toBe(1);
    expect(existsSync(join(`${input}-restored`, 'grandma_r.jpg'))).toBe(true);
    expect(existsSync(join(`${input}-restored`, 'album', 'wedding_r.jpg'))).toBe(true);
    expect(await hashTree(input)).toEqual(before);

    // the finished files as a before/after grid in the tab (issue 15.13)
    await expect.poll(() => page.locator('[data-testid="batch-result-tile"]').count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => page.locator('[data-testid="batch-after"]').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth).catch(() => 0)).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT_DIR, 'batch-grid.png') });
    // "Open output folder" is the desktop app's (a file manager window); the browser shows the path
    expect(await page.locator('[data-testid="batch-open-output"]').count()).toBe(0);

    // per-file re-run at another sensitivity (issue 15.13): the tile's output is replaced and shown
    const tile = page.locator('[data-testid="batch-result-tile"]', { hasText: 'album/wedding.jpg' });
    const outFile = join(`${input}-restored`, 'album', 'wedding_r.jpg');
    const outBefore = createHash('sha256').update(await readFile(outFile)).digest('hex');
    const afterBefore = await tile.locator('[data-testid="batch-after"]').getAttribute('src');
    // the least sensitive setting finds less on this scan (the most sensitive finds what 50 % finds)
    await tile.locator('[data-testid="batch-rerun-sensitivity"]').fill('0');
    expect(await tile.locator('output').textContent()).toBe('0 %');
    await tile.locator('[data-testid="batch-rerun"]').click();
    await expect.poll(() => tile.locator('[data-testid="batch-rerun-done"]').textContent().catch(() => ''), { timeout: 30_000 }).toBe('Re-run at 0 %');
    expect(await tile.locator('[data-testid="batch-after"]').getAttribute('src')).not.toBe(afterBefore);
    await expect.poll(() => tile.locator('[data-testid="batch-after"]').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth).catch(() => 0)).toBeGreaterThan(0);
    expect(createHash('sha256').update(await readFile(outFile)).digest('hex')).not.toBe(outBefore);
    expect(await page.locator('[data-testid="batch-error"]').count()).toBe(0);
    expect(await hashTree(input)).toEqual(before);
    await page.screenshot({ path: join(OUT_DIR, 'batch-rerun.png') });

    // the report: a blob: page, thumbnails inlined
    const link = page.locator('[data-testid="batch-report-open"]');
    await expect.poll(() => link.getAttribute('href'), { timeout: 20_000 }).toMatch(/^blob:/);
    await page.screenshot({ path: join(OUT_DIR, 'batch-done.png') });
    const [report] = await Promise.all([session.context.waitForEvent('page', { timeout: 20_000 }), link.click()]);
    await report.waitForLoadState();
    await expect.poll(() => report.locator('h1').textContent()).toMatch(/Renovo batch restoration #\d+/);
    const html = await report.content();
    expect(html).toMatch(/grandma\.jpg/);
    expect(html).toMatch(/album\/wedding\.jpg/);
    expect(html).toMatch(/src="data:image\/jpeg;base64,/);
    await expect.poll(() => report.locator('img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await report.screenshot({ path: join(OUT_DIR, 'batch-report.png') });
    await report.close();
    // 4xx answers are expected (refused folders, the favicon); CSP violations and page errors are not
    expect(session.unexpectedProblems()).toEqual([]);
  });

  it('restores a folder with the learned damage detector, the default; the stored batch and its report say so', async () => {
    const input = join(workDir, 'learned');
    await mkdir(input, { recursive: true });
    await writeFile(join(input, 'aunt.jpg'), await scanJpeg(7, 240, 180));
    await page.goto(session.bridge.url);
    await page.getByRole('tab', { name: 'Batch' }).click();
    await page.getByLabel('Scans (input folder)').fill(input);
    await page.locator('[data-testid="batch-inspect"]').click();
    await expect.poll(() => page.locator('[data-testid="batch-folder-count"]').textContent().catch(() => '')).toMatch(/^1 image/);
    const picker = page.getByLabel('Damage detector');
    expect(await picker.inputValue()).toBe('learned'); // the default
    expect(await picker.locator('option').allTextContents()).toEqual(['Learned (default)', 'Classical (faster)']);
    await expect.poll(() => page.locator('[data-testid="batch-detector-hint"]').textContent()).toMatch(/neural network/i);
    await page.locator('[data-testid="batch-start"]').click();

    const status = page.locator('[data-testid="batch-status-text"]');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/Done: 1 restored, 0 failed, 0 skipped/);
    expect(await page.locator('[data-testid="batch-detector-used"]').textContent()).toBe('Damage detector: Learned');
    expect(await picker.isDisabled()).toBe(false); // finished: the choice can change for the next batch
    const batches = (await page.evaluate(async () => (await fetch('/api/listBatches', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json())) as Array<{ id: number; inputDir: string; options: Record<string, unknown> }>;
    const mine = batches.find((b) => b.inputDir === input)!;
    expect(mine.options.detector).toBe('learned');
    // the report records which detector ran on the file (the shipped model: learned; without it, classical and a warning)
    const report = JSON.parse(await readFile(join(`${input}-restored`, '_renovo_report', 'report.json'), 'utf8')) as { detector: { requested: string; used: Record<string, number>; warnings: string[] }; items: Array<{ detector: string }> };
    expect(report.detector.requested).toBe('learned');
    const modelShipped = existsSync(join(process.cwd(), 'models', 'damage-unet', 'manifest.json'));
    expect(report.items[0].detector).toBe(modelShipped ? 'learned' : 'classical');
    expect(report.detector.warnings).toHaveLength(modelShipped ? 0 : 1);
    const html = await readFile(join(`${input}-restored`, '_renovo_report', 'index.html'), 'utf8');
    expect(html).toMatch(/Damage detector: learned/);
    expect(session.unexpectedProblems()).toEqual([]);
  });

  it('pauses a running batch, finds it again after a reload, and cancels it (resumable)', async () => {
    const input = join(workDir, 'many');
    await mkdir(input, { recursive: true });
    for (let i = 0; i < 12; i++) await writeFile(join(input, `scan-${String(i).padStart(2, '0')}.jpg`), await scanJpeg(20 + i, 640, 480));
    await page.goto(session.bridge.url);
    await page.getByRole('tab', { name: 'Batch' }).click();
    await page.getByLabel('Scans (input folder)').fill(input);
    await page.getByLabel('Scans (input folder)').press('Enter');
    await expect.poll(() => page.locator('[data-testid="batch-folder-count"]').textContent().catch(() => '')).toMatch(/^12 images/);
    await page.locator('[data-testid="batch-workers"]').fill('1');
    await page.locator('[data-testid="batch-start"]').click();
    const status = page.locator('[data-testid="batch-status-text"]');
    await page.locator('[data-testid="batch-pause"]:not([disabled])').click({ timeout: 20_000 });
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Paused after \d+ of 12 files/);

    await page.reload();
    await page.getByRole('tab', { name: 'Batch' }).click();
    await expect.poll(() => status.textContent().catch(() => ''), { timeout: 20_000 }).toMatch(/of 12 files/);
    expect(await page.getByLabel('Scans (input folder)').inputValue()).toBe(input);
    await page.locator('[data-testid="batch-cancel"]').click();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^Cancelled after \d+ of 12 files/);
    const batches = (await page.evaluate(async () => (await fetch('/api/listBatches', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json())) as Array<{ inputDir: string; status: string; done: number }>;
    const mine = batches.find((b) => b.inputDir.endsWith('/many'))!;
    expect(mine.status).toBe('running'); // unfinished: starting the same folders again continues it
    expect(mine.done).toBeLessThan(12);
  });
});
