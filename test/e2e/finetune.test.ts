// End-to-end: the Fine-tune tab in Chromium against `renovo serve`. A tiny base model is trained
// with the CLI first (dcgan16, width 4), then the panel checks a folder (count, thumbnails, the
// tiny-folder warning), fine-tunes it for a few steps with live progress, and the new version shows
// up in the editor's model picker.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ModelDto } from '../../src/shared/contract';
import { OUT_DIR, ROOT, describeE2e, startSession, type E2eSession } from './bridge';
import { apiCall } from './editor-helpers';

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'renovo.cjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function imageFolder(dir: string, n: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 25 * i, g: 120 - 10 * i, b: 200 } } }).png().toFile(join(dir, `art-${i}.png`));
  }
}

describeE2e('fine-tune panel (Chromium against renovo serve)', () => {
  let session: E2eSession;
  let workDir: string;
  let page: Page;

  beforeAll(async () => {
    session = await startSession('finetune', {
      context: { colorScheme: 'dark' },
      prepare: async (dir, libraryDir) => {
        await imageFolder(join(dir, 'monet'), 8);
        await imageFolder(join(dir, 'tiny'), 2);
        const base = await cli(['train', '--library', libraryDir, '--data', join(dir, 'monet'), '--arch', 'dcgan16', '--ngf', '4', '--ndf', '4', '--nz', '8', '--batch', '4', '--steps', '3', '--threads', '1', '--name', 'e2e-base']);
        if (base.code !== 0) throw new Error(`renovo train failed:\n${base.out}`);
      },
    });
    ({ workDir, page } = session);
  });
  afterAll(() => session?.close());

  it('checks a folder, fine-tunes with live progress, and the new model reaches the model picker', async () => {
    await page.goto(session.bridge.url);
    const tab = page.getByRole('tab', { name: 'Fine-tune' });
    await tab.click();
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    const panel = page.locator('[data-testid="finetune-panel"]');
    await panel.waitFor();

    // a relative path is refused in the page; a tiny folder gets a warning
    await page.locator('[data-testid="ft-folder"]').fill('monet');
    await page.locator('[data-testid="ft-inspect"]').click();
    await expect.poll(() => page.locator('[data-testid="ft-folder-error"]').textContent()).toMatch(/full path/);
    await page.locator('[data-testid="ft-folder"]').fill(join(workDir, 'tiny'));
    await page.locator('[data-testid="ft-inspect"]').click();
    await expect.poll(() => page.locator('[data-testid="ft-warning"]').first().textContent().catch(() => '')).toMatch(/at least 4/);
    expect(await page.locator('[data-testid="ft-start"]').isDisabled()).toBe(true);

    await page.locator('[data-testid="ft-folder"]').fill(join(workDir, 'monet'));
    await page.locator('[data-testid="ft-folder"]').press('Enter');
    await expect.poll(() => page.locator('[data-testid="ft-folder-count"]').textContent().catch(() => '')).toMatch(/^8 images found/);
    await expect.poll(() => page.locator('[data-testid="ft-thumbs"] img').count()).toBe(6);
    // (shipped models may be listed too: pick the tiny one trained above)
    await page.locator('[data-testid="ft-base"]').selectOption({ label: 'e2e-base v1 · dcgan16 · trained' });
    expect(await page.locator('[data-testid="ft-base"] option:checked').textContent()).toMatch(/e2e-base v1/);

    await page.locator('[data-testid="ft-name"]').fill('e2e-monet');
    await page.locator('[data-testid="ft-preset-quick"]').check();
    await page.locator('[data-testid="ft-advanced"]').click();
    await page.locator('[data-testid="ft-steps"]').fill('120');
    await page.locator('[data-testid="ft-batch"]').fill('4');
    await page.locator('[data-testid="ft-start"]').click();

    const status = page.locator('[data-testid="ft-status-text"]');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/Step \d+ of 120|Done/);
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/Done: e2e-monet v1/);
    expect(await page.locator('[data-testid="ft-progress"]').evaluate((el: HTMLProgressElement) => el.value)).toBe(1);
    expect(await page.locator('[data-testid="ft-loss-g"]').textContent()).toMatch(/^-?\d+\.\d{3}$/);
    // the base was trained from scratch here, so it has no z-encoder to adapt: the panel says what that means
    expect(await page.locator('[data-testid="ft-encoder"]').textContent()).toMatch(/no z-encoder \(the base model has no z-encoder\): GAN fills with it start from random latents/);
    // the live progress events drew the loss chart (one point per event)
    const points = ((await page.locator('[data-testid="ft-line-g"]').getAttribute('points')) ?? '').trim().split(/\s+/);
    expect(points.length).toBeGreaterThanOrEqual(2);
    // with axes: tick labels for loss and step, and the axis names (issue 15.14)
    expect((await page.locator('[data-testid="ft-y-axis"] text').allTextContents()).length).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid="ft-x-axis"]').textContent()).toMatch(/step/);
    expect(await page.locator('[data-testid="ft-y-axis"]').textContent()).toMatch(/loss/);
    await expect.poll(() => page.locator('[data-testid="ft-sample"]').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth).catch(() => 0)).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT_DIR, 'finetune-done.png') });

    // lineage recorded; the editor's picker lists the new version
    const models = await apiCall<ModelDto[]>(page, 'listModels', {});
    const base = models.find((m) => m.name === 'e2e-base')!;
    expect(models.find((m) => m.name === 'e2e-monet')).toMatchObject({ version: 1, parentId: base.id, source: 'trained' });
    await page.getByRole('tab', { name: 'Editor' }).click();
    const engine = page.locator('[data-testid="engine-select"]');
    const hasGan = await engine.locator('option[value="gan-zopt"]').count();
    if (hasGan > 0) {
      await engine.selectOption('gan-zopt');
      await expect.poll(() => page.locator('[data-testid="gan-model-select"] option').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/e2e-monet v1/)]));
    }
    // 4xx answers are expected (refused folders, the favicon); CSP violations and page errors are not
    expect(session.unexpectedProblems()).toEqual([]);
  });
});
