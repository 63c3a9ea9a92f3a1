// JobRunner against the app's real worker bundle (dist/worker/index.cjs; built on demand).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/integration/build';
import type { ImageBuffer, MaskBuffer } from '../image/types';
import { JobCancelledError, JobFailedError, WorkerCrashError } from './index';
import { createAppRunner, jobWorkerPath } from '../app/workers';
import { findAppRoot } from '../platform/paths';

function image(w: number, h: number): ImageBuffer {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      data[o] = (x * 7 + y * 3) & 255;
      data[o + 1] = (x * 2 + ((y * 5) ^ x)) & 255;
      data[o + 2] = (128 + 60 * Math.sin(x / 9) * Math.cos(y / 7)) | 0;
    }
  }
  return { width: w, height: h, channels: 3, data };
}

function rectMask(w: number, h: number, x0: number, y0: number, rw: number, rh: number): MaskBuffer {
  const data = new Uint8Array(w * h);
  for (let y = y0; y < y0 + rh; y++) data.fill(255, y * w + x0, y * w + x0 + rw);
  return { width: w, height: h, data };
}

/** A PatchMatch job that takes seconds: big photo, big hole. */
function slowJob() {
  return { image: image(1400, 1000), mask: rectMask(1400, 1000, 400, 300, 500, 400), engine: 'patchmatch' as const, blend: 'normal' as const, seed: 1 };
}

beforeAll(async () => {
  await ensureBuilt();
});

describe('locating the worker', () => {
  it('finds dist/worker/index.cjs under the repository root from source', () => {
    expect(findAppRoot()).toBe(process.cwd());
    expect(jobWorkerPath()).toBe(join(process.cwd(), 'dist', 'worker', 'index.cjs'));
  });

  it('reports a missing worker bundle clearly', async () => {
    const runner = createAppRunner({ workerPath: '/nonexistent/worker.cjs' });
    const input = { image: image(8, 8), mask: rectMask(8, 8, 2, 2, 2, 2), engine: 'harmonic' as const, blend: 'off' as const };
    await expect(runner.run('inpaint', input)).rejects.toThrow(WorkerCrashError);
    await expect(runner.run('inpaint', input)).rejects.toThrow(/npm run build/);
    await runner.close();
  });

  it('fails the job, instead of hanging, when the worker bundle cannot load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renovo-badworker-'));
    const workerPath = join(dir, 'worker.cjs');
    writeFileSync(workerPath, "throw new Error('cannot load a dependency');\n");
    const runner = createAppRunner({ size: 1, workerPath });
    try {
      const input = { image: image(8, 8), mask: rectMask(8, 8, 2, 2, 2, 2), engine: 'harmonic' as const, blend: 'off' as const };
      await expect(runner.run('inpaint', input)).rejects.toThrow(/cannot load a dependency/);
    } finally {
      await runner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JobRunner', () => {
  it('runs inpainting on a worker, reports progress and transfers the buffers', async () => {
    const runner = createAppRunner();
    try {
      const img = image(96, 64);
      const original = new Uint8Array(img.data);
      const mask = rectMask(96, 64, 30, 20, 20, 16);
      const fractions: number[] = [];
      const job = runner.run('inpaint', { image: img, mask, engine: 'harmonic', blend: 'off', seed: 1 }, { onProgress: (f) => fractions.push(f) });
      // Transferred, not copied: the caller's buffers are detached as soon as the job is posted.
      expect(img.data.byteLength).toBe(0);
      expect(mask.data.byteLength).toBe(0);
      const out = await job;
      expect(out.engine).toBe('harmonic');
      expect(out.holes).toBe(1);
      expect(out.image.data).toBeInstanceOf(Uint8Array);
      expect(out.image.data.length).toBe(96 * 64 * 3);
      // Outside the hole every byte is unchanged.
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 96; x++) {
          if (x >= 30 && x < 50 && y >= 20 && y < 36) continue;
          const o = (y * 96 + x) * 3;
          if (out.image.data[o] !== original[o]) throw new Error(`pixel ${x},${y} changed`);
        }
      }
      expect(fractions.every((f) => f >= 0 && f <= 1)).toBe(true);
    } finally {
      await runner.close();
    }
  });

  it('keeps the name and code of errors thrown in the worker', async () => {
    const runner = createAppRunner();
    try {
      const err = await runner
        .run('inpaint', { image: image(16, 16), mask: rectMask(16, 16, 0, 0, 0, 0), engine: 'auto', blend: 'off' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobFailedError);
      expect(err).toMatchObject({ name: 'InpaintError', code: 'EMPTY_MASK' });
    } finally {
      await runner.close();
    }
  });

  it('cancels a running job promptly and keeps working afterwards', async () => {
    const runner = createAppRunner({ size: 1, cancelGraceMs: 500 });
    try {
      const controller = new AbortController();
      let progressed!: () => void;
      const started = new Promise<void>((r) => (progressed = r));
      const job = runner.run('inpaint', slowJob(), { signal: controller.signal, onProgress: () => progressed() });
      await Promise.race([started, job]);
      const t0 = Date.now();
      controller.abort();
      await expect(job).rejects.toBeInstanceOf(JobCancelledError);
      expect(Date.now() - t0).toBeLessThan(200);
      // The pool recovers (the worker either stops at its next check or is replaced).
      const next = await runner.run('inpaint', { image: image(32, 32), mask: rectMask(32, 32, 10, 10, 4, 4), engine: 'telea', blend: 'off' });
      expect(next.engine).toBe('telea');
    } finally {
      await runner.close();
    }
  });

  it('with no grace period, terminates the worker at once and replaces it for the next job', async () => {
    const runner = createAppRunner({ size: 1, cancelGraceMs: 0 });
    try {
      const controller = new AbortController();
      let progressed!: () => void;
      const started = new Promise<void>((r) => (progressed = r));
      const job = runner.run('inpaint', slowJob(), { signal: controller.signal, onProgress: () => progressed() });
      await Promise.race([started, job]);
      controller.abort();
      await expect(job).rejects.toBeInstanceOf(JobCancelledError);
      expect(runner.pending).toBe(0);
      const next = await runner.run('inpaint', { image: image(32, 32), mask: rectMask(32, 32, 10, 10, 4, 4), engine: 'telea', blend: 'off' });
      expect(next.engine).toBe('telea');
    } finally {
      await runner.close();
    }
  });

  it('stops a busy synchronous kernel itself (shared cancel flag), without killing the worker', async () => {
    // A grace period far longer than the test: the next job can only run if the worker stopped.
    const runner = createAppRunner({ size: 1, cancelGraceMs: 60_000 });
    try {
      const controller = new AbortController();
      let progressed!: () => void;
      const started = new Promise<void>((r) => (progressed = r));
      const job = runner.run('inpaint', slowJob(), { signal: controller.signal, onProgress: () => progressed() });
      await Promise.race([started, job]);
      controller.abort();
      await expect(job).rejects.toBeInstanceOf(JobCancelledError);
      const t0 = Date.now();
      await runner.run('inpaint', { image: image(32, 32), mask: rectMask(32, 32, 10, 10, 4, 4), engine: 'telea', blend: 'off' });
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await runner.close();
    }
  });

  it('cancels a queued job without running it, and refuses an already-aborted signal', async () => {
    const runner = createAppRunner({ size: 1 });
    try {
      const first = runner.run('inpaint', { image: image(64, 64), mask: rectMask(64, 64, 20, 20, 8, 8), engine: 'harmonic', blend: 'off' });
      const controller = new AbortController();
      let progressed = false;
      const second = runner.run('inpaint', { image: image(64, 64), mask: rectMask(64, 64, 20, 20, 8, 8), engine: 'harmonic', blend: 'off' }, { signal: controller.signal, onProgress: () => (progressed = true) });
      controller.abort();
      await expect(second).rejects.toBeInstanceOf(JobCancelledError);
      await expect(first).resolves.toMatchObject({ engine: 'harmonic' });
      expect(progressed).toBe(false);
      await expect(runner.run('inpaint', slowJob(), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(JobCancelledError);
    } finally {
      await runner.close();
    }
  });

  it('runs jobs in parallel up to the pool size', async () => {
    const runner = createAppRunner({ size: 2 });
    try {
      const jobs = [1, 2, 3].map(() => runner.run('inpaint', { image: image(64, 64), mask: rectMask(64, 64, 20, 20, 8, 8), engine: 'telea', blend: 'off' }));
      expect(runner.pending).toBe(3);
      const results = await Promise.all(jobs);
      expect(results.map((r) => r.engine)).toEqual(['telea', 'telea', 'telea']);
      expect(runner.pending).toBe(0);
    } finally {
      await runner.close();
    }
  });

  it('rejects jobs still running when closed', async () => {
    const runner = createAppRunner({ size: 1 });
    const job = runner.run('inpaint', slowJob());
    await new Promise((r) => setTimeout(r, 50));
    // Attach the expectation before closing: close() rejects the job while it awaits the workers.
    const cancelled = expect(job).rejects.toBeInstanceOf(JobCancelledError);
    await runner.close();
    await cancelled;
    await expect(runner.run('inpaint', slowJob())).rejects.toThrow(/closed/);
  });
});
