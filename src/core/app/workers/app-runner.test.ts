// The app's runner (createAppRunner) against the app's real job worker bundle
// (dist/worker/index.cjs; built on demand): where the bundle is, and the inpaint task on it. The
// job layer's own behaviour (queueing, cancellation, crashes) is tested in core/jobs/runner.test.ts.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../../test/integration/build';
import type { ImageBuffer, MaskBuffer } from '../../image/types';
import { JobCancelledError, JobFailedError } from '../../jobs';
import { createAppRunner, jobWorkerPath } from './index';

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

beforeAll(async () => {
  await ensureBuilt();
});

describe("the app's job runner", () => {
  it('uses dist/worker/index.cjs under the repository root from source', () => {
    expect(jobWorkerPath()).toBe(join(process.cwd(), 'dist', 'worker', 'index.cjs'));
  });

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

  it("keeps the name and code of the engine's errors", async () => {
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

  it('stops a busy PatchMatch kernel itself (shared cancel flag), without killing the worker', async () => {
    // A grace period far longer than the test: the next job can only run if the worker stopped.
    const runner = createAppRunner({ size: 1, cancelGraceMs: 60_000 });
    try {
      const controller = new AbortController();
      let progressed!: () => void;
      const started = new Promise<void>((r) => (progressed = r));
      // A PatchMatch job that takes seconds: big photo, big hole.
      const slow = { image: image(1400, 1000), mask: rectMask(1400, 1000, 400, 300, 500, 400), engine: 'patchmatch' as const, blend: 'normal' as const, seed: 1 };
      const job = runner.run('inpaint', slow, { signal: controller.signal, onProgress: () => progressed() });
      await Promise.race([started, job]);
      controller.abort();
      await expect(job).rejects.toBeInstanceOf(JobCancelledError);
      const t0 = Date.now();
      const next = await runner.run('inpaint', { image: image(32, 32), mask: rectMask(32, 32, 10, 10, 4, 4), engine: 'telea', blend: 'off' });
      expect(next.engine).toBe('telea');
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await runner.close();
    }
  });
});
