// End-to-end (issue 18): the engine picker's "Import model…" in Chromium against `renovo serve`. A
// file that fits no preset is refused with the shapes named; a stand-in LaMa (same inputs and
// outputs as Carve's lama_fp32.onnx, painting holes red) is imported, becomes the "Your model"
// engine, and removes a painted object. The Batch tab then fills a scan's tear with it (chosen as
// its wide-damage model), and "Delete model…" is refused while a batch uses it, then deletes it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BatchDto, EditDto, ModelDto } from '../../src/shared/contract';
import { lamaLikeModel } from '../fixtures/onnx-inpainters';
import { addDamage, synthPhoto } from '../fixtures/synth';
import { scanJpeg } from '../fixtures/restore';
import { OUT_DIR, describeE2e, startSession, type E2eSession } from './bridge';
import { apiCall, currentPhoto, decodeMask, dragImage, libraryFile, openPhotoFile } from './editor-helpers';

describeE2e('Import model… in the engine picker (Chromium against renovo serve)', () => {
  let session: E2eSession;
  let workDir: string;
  let page: Page;

  beforeAll(async () => {
    session = await startSession('import', {
      context: { colorScheme: 'dark' },
      prepare: async (dir) => {
        await writeFile(join(dir, 'big-lama.onnx'), lamaLikeModel([255, 0, 0]));
        await writeFile(join(dir, 'small-lama.onnx'), lamaLikeModel([255, 0, 0], { side: 256 }));
        await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 60, g: 150, b: 90 } } }).png().toFile(join(dir, 'field.png'));
        // a scan with a tear (the one src/core/restore/wide-model.test.ts fills), and a folder of plain scans
        const torn = addDamage(synthPhoto(800, 600, { seed: 4 }), { seed: 201, scratches: 1, dust: 3, tear: true });
        await mkdir(join(dir, 'torn'));
        await sharp(torn.image.data, { raw: { width: 800, height: 600, channels: 3 } }).png().toFile(join(dir, 'torn', 'torn.png'));
        await mkdir(join(dir, 'many'));
        for (let i = 0; i < 8; i++) await writeFile(join(dir, 'many', `scan-${i}.jpg`), await scanJpeg(40 + i, 640, 480));
      },
    });
    ({ workDir, page } = session);
  });
  afterAll(() => session?.close());

  it('refuses a mismatched file, imports a LaMa model and removes with it', async () => {
    await page.goto(session.bridge.url);
    await page.locator('[data-testid="import-model-button"]').waitFor();

    // a 256×256 export is not the lama-512 convention: refused, named, nothing recorded
    await page.locator('[data-testid="import-preset"]').selectOption('lama-512');
    await page.locator('[data-testid="import-model-file"]').setInputFiles(join(workDir, 'small-lama.onnx'));
    await expect.poll(() => page.locator('[data-testid="error-banner"]').first().textContent().catch(() => ''), { timeout: 30_000 })
      .toMatch(/not imported: small-lama.onnx does not match preset lama-512: expected inputs image \[1,3,512,512\] float32.*found inputs image \[1,3,256,256\]/);
    expect((await apiCall<ModelDto[]>(page, 'listModels', {})).filter((m) => m.kind === 'inpainter')).toEqual([]);
    await page.getByRole('button', { name: 'Dismiss' }).first().click();

    await page.locator('[data-testid="import-preset"]').selectOption('auto');
    await page.locator('[data-testid="import-model-file"]').setInputFiles(join(workDir, 'big-lama.onnx'));
    await expect.poll(() => page.locator('[data-testid="engine-select"]').inputValue(), { timeout: 30_000 }).toBe('onnx');
    expect(await page.locator('[data-testid="onnx-model-select"] option:checked').textContent()).toBe('big-lama v1');
    expect(await page.locator('[data-testid="onnx-model-summary"]').textContent()).toMatch(/^lama-512: 512×512/);

    // wait for the library's photo, not just the stage: strokes on the local stand-in preview are ignored
    await openPhotoFile(page, join(workDir, 'field.png'));
    await dragImage(page, [{ x: 140, y: 110 }, { x: 180, y: 110 }, { x: 180, y: 130 }, { x: 140, y: 130 }]);
    if (await page.locator('[data-testid="blend-toggle"]').isChecked()) await page.locator('[data-testid="blend-toggle"]').uncheck();
    await page.locator('[data-testid="remove-button"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="edit-item"]').length > 0, undefined, { timeout: 90_000 });
    const photo = await currentPhoto(page);
    const [edit] = await apiCall<EditDto[]>(page, 'listEdits', { photoId: photo.id });
    expect(edit).toMatchObject({ engine: 'onnx', params: { model: { name: 'big-lama', version: 1 }, onnx: { preset: 'lama-512' } } });
    // every pixel of the stored hole is the model's red; every other pixel is the photo's
    const mask = await decodeMask((await libraryFile(page, edit!.maskFile!)).body);
    const { data } = await sharp((await libraryFile(page, edit!.outputFile)).body).raw().toBuffer({ resolveWithObject: true });
    let hole = 0, wrong = 0;
    for (let i = 0; i < mask.data.length; i++) {
      const px = [data[i * 3], data[i * 3 + 1], data[i * 3 + 2]].join();
      if (mask.data[i]) hole++;
      if (px !== (mask.data[i] ? '255,0,0' : '60,150,90')) wrong++;
    }
    expect(hole).toBeGreaterThan(500);
    expect(wrong).toBe(0);
    await page.screenshot({ path: join(OUT_DIR, 'import-model.png') });
    expect(session.unexpectedProblems()).toEqual([]);
  });

  it('fills a scan\'s tear in a batch with the imported model chosen for wide damage', async () => {
    await page.getByRole('tab', { name: 'Batch' }).click();
    await page.locator('[data-testid="batch-panel"]').waitFor();
    // the picker appears with "Repair tears": PatchMatch, or the imported model
    expect(await page.locator('[data-testid="batch-wide-model"]').count()).toBe(0);
    await page.locator('[data-testid="batch-tears"]').check();
    const picker = page.getByLabel('Wide damage');
    expect(await picker.isEnabled()).toBe(true);
    expect(await picker.locator('option').allTextContents()).toEqual(['PatchMatch (built-in)', 'big-lama v1 (your model, lama-512)']);
    expect(await picker.inputValue()).toBe('');
    await picker.selectOption({ label: 'big-lama v1 (your model, lama-512)' });
    expect(await page.locator('[data-testid="batch-wide-hint"]').textContent()).toMatch(/an imported model paints them/);
    await page.getByLabel('Correct levels and colour cast').uncheck();

    const input = join(workDir, 'torn');
    await page.getByLabel('Scans (input folder)').fill(input);
    await page.locator('[data-testid="batch-inspect"]').click();
    await expect.poll(() => page.locator('[data-testid="batch-folder-count"]').textContent().catch(() => '')).toMatch(/^1 image/);
    await page.locator('[data-testid="batch-start"]').click();
    await expect.poll(() => page.locator('[data-testid="batch-status-text"]').textContent(), { timeout: 90_000 }).toMatch(/Done: 1 restored, 0 failed/);
    expect(await page.locator('[data-testid="batch-wide-model-used"]').textContent()).toBe('Wide damage filled by big-lama v1 (your model)');

    // the batch record keeps the model (a resume or re-run uses it), and the report says the model filled the tear
    const batch = (await apiCall<BatchDto[]>(page, 'listBatches', {})).find((b) => b.inputDir === input)!;
    expect(batch.options).toMatchObject({ detectTears: true, wideModel: { name: 'big-lama', version: 1 } });
    const report = JSON.parse(await readFile(join(`${input}-restored`, '_renovo_report', 'report.json'), 'utf8')) as { items: Array<{ relPath: string; repaired: { engines: string[] }; damage: { tears: number } }> };
    expect(report.items[0]).toMatchObject({ relPath: 'torn.png', damage: { tears: expect.any(Number) } });
    expect(report.items[0]!.damage.tears).toBeGreaterThan(0);
    expect(report.items[0]!.repaired.engines).toContain('onnx');
    expect(report.items[0]!.repaired.engines).not.toContain('patchmatch');
    expect(await readFile(join(`${input}-restored`, '_renovo_report', 'index.html'), 'utf8')).toContain('<p class="wide">Tears and wide damage filled by: your model big-lama v1</p>');
    await page.screenshot({ path: join(OUT_DIR, 'import-model-batch.png') });
    expect(session.unexpectedProblems()).toEqual([]);
  });

  it('Delete model… is refused while a batch uses the model, then deletes it; the engine falls back to Auto', async () => {
    // a batch filling wide damage with the model, paused: deleting the model would pull its file from under it
    const [model] = (await apiCall<ModelDto[]>(page, 'listModels', {})).filter((m) => m.kind === 'inpainter');
    const { jobId } = await apiCall<{ jobId: string }>(page, 'startBatch', { inputDir: join(workDir, 'many'), outputDir: join(workDir, 'many-out'), options: { detectTears: true, wideModelId: model!.id, workers: 1 } });
    await apiCall(page, 'pauseBatch', { jobId });

    await page.getByRole('tab', { name: 'Editor' }).click();
    expect(await page.locator('[data-testid="engine-select"]').inputValue()).toBe('onnx');
    const del = page.locator('[data-testid="delete-model-button"]');
    expect(await del.textContent()).toMatch(/Delete model…/);
    // asks first; Keep has the focus, Escape closes the question
    await del.click();
    const confirm = page.getByRole('group', { name: 'Confirm deleting big-lama v1' });
    await confirm.waitFor();
    await page.screenshot({ path: join(OUT_DIR, 'import-model-delete.png') });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('keep-model');
    await page.keyboard.press('Escape');
    await expect.poll(() => confirm.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('delete-model-button');

    await del.click();
    await page.locator('[data-testid="confirm-delete-model"]').click();
    await expect.poll(() => page.locator('[data-testid="error-banner"]').first().textContent().catch(() => ''), { timeout: 20_000 })
      .toMatch(/big-lama v1 was not deleted: big-lama v1 is filling wide damage in the running batch .*many → .*many-out/);
    expect((await apiCall<ModelDto[]>(page, 'listModels', {})).filter((m) => m.kind === 'inpainter').map((m) => m.name)).toEqual(['big-lama']);
    expect(await page.locator('[data-testid="engine-select"]').inputValue()).toBe('onnx');
    await page.getByRole('button', { name: 'Dismiss' }).first().click();

    await apiCall(page, 'cancelJob', { jobId });
    await expect.poll(async () => (await apiCall<BatchDto[]>(page, 'listBatches', {})).find((b) => b.inputDir.endsWith('/many'))?.jobId ?? null, { timeout: 30_000 }).toBeNull();

    // deleted with the keyboard this time: Enter on the buttons presses them (no removal starts)
    await del.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="confirm-delete-model"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="notice"] .text').allTextContents(), { timeout: 20_000 }).toContain('Deleted big-lama v1; the engine is Auto again.');
    expect((await page.locator('[data-testid="notice"] .text').allTextContents()).join('\n')).not.toMatch(/Paint over/);
    expect((await apiCall<ModelDto[]>(page, 'listModels', {})).filter((m) => m.kind === 'inpainter')).toEqual([]);
    expect(await page.locator('[data-testid="engine-select"]').inputValue()).toBe('auto');
    expect(await page.locator('[data-testid="job"]').count()).toBe(0);
    // gone from the editor's picker…
    await page.locator('[data-testid="engine-select"]').selectOption('onnx');
    expect(await page.locator('[data-testid="onnx-model-select"] option').allTextContents()).toEqual(['No model imported yet']);
    expect(await page.locator('[data-testid="delete-model-button"]').count()).toBe(0);
    // …and from the Batch tab's, which points to Import model…
    await page.getByRole('tab', { name: 'Batch' }).click();
    const picker = page.getByLabel('Wide damage');
    expect(await picker.isDisabled()).toBe(true);
    expect(await picker.locator('option').allTextContents()).toEqual(['PatchMatch (built-in)']);
    expect(await page.locator('[data-testid="batch-wide-hint"]').textContent()).toMatch(/import it with Import model… in the Editor's Remove panel/);
    expect(session.unexpectedProblems()).toEqual([]);
  });
});
