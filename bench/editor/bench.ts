// Editor benchmark (issue 5): Chromium (headless, software rendering) against `renovo serve`.
//
//  1. Open a 24-megapixel JPEG (6000×4000) through the file input and time until the stage paints its
//     preview (User Timing marks renovo:open → renovo:preview-painted set by the renderer), for fresh
//     imports and for re-opening from the recent list.
//  2. Brush strokes on that photo at fit zoom: per-segment time of the real handler (stamp into the
//     full-resolution Uint8Array mask + redraw of the dirty overlay rectangle; User Timing measure
//     renovo:stroke-segment) and the frame interval (requestAnimationFrame) while the stroke is drawn.
//     Reference in the same run: the previous renderer's approach, a full-resolution mask <canvas>
//     scaled by CSS and painted with ctx.stroke, driven the same way.
//
// Usage: bench/editor/run.sh [--runs 3] [--json out.json]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium, startBridge } from '../../test/e2e/bridge';
import { photoPixels } from '../../test/fixtures/images';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RUNS = Number(arg('--runs', '3'));
const JSON_OUT = arg('--json', '');
const W = 6000;
const H = 4000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};
const f1 = (x: number) => x.toFixed(1);

async function makeJpeg(file: string, variant: number): Promise<number> {
  const px = photoPixels(W, H);
  // Camera-like sensor noise, so the JPEG has a realistic size (a smooth synthetic image compresses
  // to a fraction of a real photo); a different seed per run makes each file a new import.
  let seed = 12345 + variant * 7919;
  for (let i = 0; i < px.data.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    px.data[i] = Math.max(0, Math.min(255, px.data[i]! + ((seed >> 16) % 25) - 12));
  }
  const bytes = await sharp(px.data, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  await writeFile(file, bytes);
  return bytes.byteLength;
}

interface OpenTiming {
  /** open → first pixels on screen (the page-decoded preview, else the library's). */
  firstPaint: number;
  /** open → the page-decoded downscaled preview painted (null if it was not used). */
  local: number | null;
  /** open → importPhoto answered (upload, full decode, hash, store, library preview). */
  imported: number;
  /** open → the library's preview painted (the editable state). */
  library: number;
}

async function openAndTime(page: Page, file: string): Promise<OpenTiming> {
  await page.evaluate(() => performance.clearMarks());
  await page.locator('[data-testid="open-input"]').first().setInputFiles(file);
  await page.waitForFunction(() => performance.getEntriesByName('renovo:preview-painted').length > 0, null, { timeout: 180_000 });
  return page.evaluate(() => {
    const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? null;
    const start = at('renovo:open')!;
    const local = at('renovo:local-preview-painted');
    const library = at('renovo:preview-painted')! - start;
    return {
      local: local === null ? null : local - start,
      firstPaint: local === null ? library : Math.min(local - start, library),
      imported: at('renovo:open-photo')! - start,
      library,
    };
  });
}

async function reopenAndTime(page: Page, name: string): Promise<number> {
  await page.evaluate(() => performance.clearMarks());
  await page.locator('[data-testid="photo-item"]', { hasText: name }).first().click();
  await page.waitForFunction(() => performance.getEntriesByName('renovo:preview-painted').length > 0, null, { timeout: 60_000 });
  return page.evaluate(() => performance.getEntriesByName('renovo:preview-painted')[0]!.startTime - performance.getEntriesByName('renovo:open-photo')[0]!.startTime);
}

/** Record rAF intervals in the page until stopped. */
async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __run: boolean };
    w.__frames = [];
    w.__run = true;
    let last = performance.now();
    const tick = (t: number) => {
      w.__frames.push(t - last);
      last = t;
      if (w.__run) requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => {
      last = t;
      requestAnimationFrame(tick);
    });
  });
}
async function stopFrames(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __run: boolean };
    w.__run = false;
    return w.__frames;
  });
}

/** A zig-zag stroke across the stage, `moves` pointer moves of ~`stepPx` CSS pixels each. */
async function stroke(page: Page, box: { x: number; y: number; width: number; height: number }, moves: number): Promise<void> {
  const x0 = box.x + box.width * 0.15;
  const x1 = box.x + box.width * 0.85;
  const y0 = box.y + box.height * 0.3;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= moves; i++) {
    const t = i / moves;
    const phase = (t * 4) % 2;
    const x = x0 + (x1 - x0) * (phase < 1 ? phase : 2 - phase);
    const y = y0 + box.height * 0.4 * t;
    await page.mouse.move(x, y);
  }
  await page.mouse.up();
}

async function brushBench(page: Page, brushPx: number, moves: number) {
  await page.locator('[data-testid="tool-brush"]').click();
  await page.locator('[data-testid="brush-size"]').fill(String(brushPx));
  await page.locator('[data-testid="clear-mask"]').click().catch(() => {});
  await page.evaluate(() => performance.clearMeasures());
  const box = (await page.locator('[data-testid="photo-canvas"]').boundingBox())!;
  const v = await page.locator('[data-testid="stage"]').evaluate((el: HTMLElement) => Number(el.dataset.scale));
  const imgBox = { x: box.x + 20, y: box.y + 20, width: box.width - 40, height: box.height - 40 };
  await startFrames(page);
  const t0 = Date.now();
  await stroke(page, imgBox, moves);
  const wall = Date.now() - t0;
  const frames = await stopFrames(page);
  const segments = await page.evaluate(() => performance.getEntriesByName('renovo:stroke-segment').map((e) => e.duration));
  return { brushPx, scale: v, moves, wall, frames: frames.slice(2), segments };
}

/** The previous renderer: a full-resolution mask canvas scaled by CSS, painted with ctx.stroke. */
async function referenceBench(page: Page, brushPx: number, moves: number) {
  const box = (await page.locator('[data-testid="photo-canvas"]').boundingBox())!;
  await page.evaluate(
    ([w, h, b]) => {
      const stage = document.querySelector('[data-testid="stage"]')!;
      const c = document.createElement('canvas');
      c.id = 'ref-mask';
      c.width = w!;
      c.height = h!;
      const scale = Number((stage as HTMLElement).dataset.scale);
      Object.assign(c.style, {
        position: 'absolute', left: `${(stage as HTMLElement).dataset.x}px`, top: `${(stage as HTMLElement).dataset.y}px`,
        width: `${w! * scale}px`, height: `${h! * scale}px`, opacity: '0.55', zIndex: '5',
      });
      stage.append(c);
      const ctx = c.getContext('2d')!;
      let last: { x: number; y: number } | null = null;
      const times: number[] = [];
      (window as unknown as { __refTimes: number[] }).__refTimes = times;
      const toImg = (e: PointerEvent) => {
        const r = c.getBoundingClientRect();
        return { x: ((e.clientX - r.left) / r.width) * w!, y: ((e.clientY - r.top) / r.height) * h! };
      };
      c.addEventListener('pointerdown', (e) => {
        last = toImg(e);
      });
      c.addEventListener('pointermove', (e) => {
        if (!last) return;
        const t = performance.now();
        const p = toImg(e);
        ctx.strokeStyle = 'rgb(255,64,96)';
        ctx.lineCap = 'round';
        ctx.lineWidth = b!;
        ctx.beginPath();
        ctx.moveTo(last.x, last.y);
        ctx.lineTo(p.x, p.y);
        ctx.stroke();
        last = p;
        times.push(performance.now() - t);
      });
      c.addEventListener('pointerup', () => (last = null));
    },
    [W, H, brushPx],
  );
  const imgBox = { x: box.x + 20, y: box.y + 20, width: box.width - 40, height: box.height - 40 };
  await startFrames(page);
  await stroke(page, imgBox, moves);
  const frames = await stopFrames(page);
  const segments = await page.evaluate(() => (window as unknown as { __refTimes: number[] }).__refTimes);
  await page.evaluate(() => document.getElementById('ref-mask')?.remove());
  return { brushPx, frames: frames.slice(2), segments };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'renovo-editor-bench-'));
  const bridge = await startBridge(join(dir, 'library'));
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(bridge.url);
    await page.getByRole('heading', { name: /remove anything/i }).waitFor();
    console.log(`# Renovo editor bench — ${W}×${H} (${((W * H) / 1e6).toFixed(0)} MP) JPEG, Chromium headless (software), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    const opens: OpenTiming[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const file = join(dir, `big-${i}.jpg`);
      bytes = await makeJpeg(file, i);
      const t = await openAndTime(page, file);
      opens.push(t);
      console.log(
        `open #${i + 1} (${(bytes / 1e6).toFixed(1)} MB): first paint ${f1(t.firstPaint)} ms (page-decoded preview ${t.local === null ? 'n/a' : f1(t.local) + ' ms'}); ` +
          `import answered ${f1(t.imported)} ms; library preview painted ${f1(t.library)} ms`,
      );
    }
    const reopens: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate photos so each click really switches.
      await page.locator('[data-testid="photo-item"]').nth(1).click();
      await page.waitForTimeout(300);
      reopens.push(await reopenAndTime(page, `big-${RUNS - 1}.jpg`));
    }
    const med = (k: keyof OpenTiming) => median(opens.map((o) => o[k] ?? NaN));
    console.log(
      `open (fresh import) medians: first paint ${f1(med('firstPaint'))} ms, import ${f1(med('imported'))} ms, library preview ${f1(med('library'))} ms; ` +
        `re-open from recent photos median ${f1(median(reopens))} ms`,
    );

    const results = [];
    for (const brushPx of [160, 400]) {
      const ours = await brushBench(page, brushPx, 150);
      const ref = await referenceBench(page, brushPx, 150);
      const row = {
        brushPx,
        scale: ours.scale,
        segmentMedianMs: median(ours.segments),
        segmentP95Ms: pct(ours.segments, 0.95),
        frameMedianMs: median(ours.frames),
        frameP95Ms: pct(ours.frames, 0.95),
        segments: ours.segments.length,
        refSegmentMedianMs: median(ref.segments),
        refFrameMedianMs: median(ref.frames),
        refFrameP95Ms: pct(ref.frames, 0.95),
      };
      results.push(row);
      console.log(
        `brush ${brushPx} px (photo px; zoom ${(ours.scale * 100).toFixed(1)} %): segment median ${f1(row.segmentMedianMs)} ms p95 ${f1(row.segmentP95Ms)} ms over ${row.segments}; ` +
          `frame interval median ${f1(row.frameMedianMs)} ms p95 ${f1(row.frameP95Ms)} ms | reference (full-res canvas): segment median ${f1(row.refSegmentMedianMs)} ms, frame median ${f1(row.refFrameMedianMs)} ms p95 ${f1(row.refFrameP95Ms)} ms`,
      );
    }
    // Object tool: click the dark disc (region growing on a ≤1024 px working copy, upsampled into
    // the 24 MP mask, overlay redrawn). The first click also builds the working copy.
    await page.locator('[data-testid="clear-mask"]').click().catch(() => {});
    await page.locator('[data-testid="tool-object"]').click();
    const objectTimes: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      await page.evaluate(() => performance.clearMeasures());
      const stage = await page.locator('[data-testid="stage"]').evaluate((el: HTMLElement) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, top: r.top, scale: Number(el.dataset.scale), x: Number(el.dataset.x), y: Number(el.dataset.y) };
      });
      await page.mouse.click(stage.left + stage.x + W * 0.6 * stage.scale, stage.top + stage.y + H * 0.55 * stage.scale);
      await page.waitForFunction(() => performance.getEntriesByName('renovo:object-select').length > 0, null, { timeout: 30_000 });
      objectTimes.push(await page.evaluate(() => performance.getEntriesByName('renovo:object-select')[0]!.duration));
      if (i < RUNS) await page.keyboard.press('Control+z');
    }
    console.log(`object tool click → mask (${W}×${H}): first ${f1(objectTimes[0]!)} ms (builds the working copy), then median ${f1(median(objectTimes.slice(1)))} ms`);

    // Pressing Remove encodes the full-resolution mask as PNG once (then the job is cancelled).
    const encodes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.evaluate(() => performance.clearMeasures());
      await page.locator('[data-testid="remove-button"]').click();
      await page.waitForFunction(() => performance.getEntriesByName('renovo:mask-encode').length > 0, null, { timeout: 60_000 });
      encodes.push(await page.evaluate(() => performance.getEntriesByName('renovo:mask-encode')[0]!.duration));
      const cancel = page.locator('[data-testid="cancel-button"]');
      await cancel.waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => !document.querySelector('[data-testid="cancel-button"]')?.hasAttribute('disabled'), null, { timeout: 60_000 }).catch(() => {});
      await cancel.click().catch(() => {});
      await page.locator('[data-testid="job"]').waitFor({ state: 'detached', timeout: 120_000 });
    }
    console.log(`mask PNG encode on Remove (${W}×${H}): median ${f1(median(encodes))} ms (${encodes.map(f1).join(', ')})`);
    const summary = { objectSelectMs: objectTimes, maskEncodeMs: encodes, width: W, height: H, opens, firstPaintMedianMs: med('firstPaint'), libraryPaintMedianMs: med('library'), reopenMs: reopens, reopenMedianMs: median(reopens), brush: results, load: loadavg() };
    if (JSON_OUT) await writeFile(JSON_OUT, JSON.stringify(summary, null, 2));
  } finally {
    await browser.close().catch(() => {});
    await bridge.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
