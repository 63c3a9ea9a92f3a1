// JobRunner, the generic job layer, against a worker of its own: a few test-local tasks served by
// serveTasks, bundled from the source below with esbuild. The app's tasks on the app's worker
// bundle are tested in core/app/workers/app-runner.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCancelledError, JobFailedError, JobRunner, WorkerCrashError, type JobRunnerOptions } from './index';

type TestTasks = {
  /** doubles every byte; progress at half way */
  double: { input: { data: Uint8Array }; output: { data: Uint8Array }; event: never };
  /** throws an error with this name and code */
  fail: { input: { name: string; code: string }; output: never; event: never };
  /** emits { i } for i = 0 … n-1 */
  count: { input: { n: number }; output: number; event: { i: number } };
  /** a synchronous loop of up to 10 s; with obey, it polls the signal (and so the shared cancel flag) */
  spin: { input: { obey: boolean }; output: string; event: never };
  sleep: { input: { ms: number }; output: number; event: never };
};

const WORKER_SOURCE = `
import { serveTasks } from './serve';

serveTasks({
  async double({ data }, ctx) {
    ctx.onProgress(0.5, 'half way');
    return { data: data.map((v) => (v * 2) & 255) };
  },
  async fail({ name, code }) {
    throw Object.assign(new Error('bad input'), { name, code });
  },
  async count({ n }, ctx) {
    for (let i = 0; i < n; i++) ctx.emit({ i });
    return n;
  },
  async spin({ obey }, ctx) {
    ctx.onProgress(0, 'spinning');
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000) {
      if (obey && ctx.signal.aborted) throw Object.assign(new Error('stopped'), { name: 'AbortError' });
    }
    return 'finished';
  },
  async sleep({ ms }) {
    await new Promise((r) => setTimeout(r, ms));
    return ms;
  },
});
`;

const dir = mkdtempSync(join(tmpdir(), 'renovo-jobs-'));
const workerPath = join(dir, 'worker.cjs');

beforeAll(async () => {
  await build({
    stdin: { contents: WORKER_SOURCE, loader: 'ts', resolveDir: dirname(fileURLToPath(import.meta.url)), sourcefile: 'test-worker.ts' },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', outfile: workerPath,
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runner = (options: Partial<JobRunnerOptions> = {}): JobRunner<TestTasks> => new JobRunner<TestTasks>({ workerPath, ...options });

/** Starts a spin and resolves once it is running on its worker (its first progress message). */
async function spinning(r: JobRunner<TestTasks>, obey: boolean, signal: AbortSignal): Promise<{ job: Promise<string> }> {
  let progressed!: () => void;
  const started = new Promise<void>((res) => (progressed = res));
  const job = r.run('spin', { obey }, { signal, onProgress: () => progressed() });
  await Promise.race([started, job]);
  return { job };
}

describe('the worker bundle', () => {
  it('reports a missing worker bundle clearly', async () => {
    const r = runner({ workerPath: '/nonexistent/worker.cjs' });
    await expect(r.run('sleep', { ms: 1 })).rejects.toThrow(WorkerCrashError);
    await expect(r.run('sleep', { ms: 1 })).rejects.toThrow(/npm run build/);
    await r.close();
  });

  it('fails the job, instead of hanging, when the worker bundle cannot load', async () => {
    const bad = join(dir, 'bad-worker.cjs');
    writeFileSync(bad, "throw new Error('cannot load a dependency');\n");
    const r = runner({ size: 1, workerPath: bad });
    try {
      await expect(r.run('sleep', { ms: 1 })).rejects.toThrow(/cannot load a dependency/);
    } finally {
      await r.close();
    }
  });
});

describe('JobRunner', () => {
  it('runs a task on a worker, reports progress and transfers the buffers', async () => {
    const r = runner();
    try {
      const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 127);
      const progress: [number, string][] = [];
      const job = r.run('double', { data }, { onProgress: (f, m) => progress.push([f, m]) });
      // Transferred, not copied: the caller's buffer is detached as soon as the job is posted.
      expect(data.byteLength).toBe(0);
      const out = await job;
      expect(out.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(out.data.slice(0, 4))).toEqual([0, 2, 4, 6]);
      expect(out.data[999]).toBe((999 & 127) * 2);
      expect(progress).toEqual([[0.5, 'half way']]);
    } finally {
      await r.close();
    }
  });

  it('delivers the task\'s events in order', async () => {
    const r = runner();
    try {
      const events: number[] = [];
      await expect(r.run('count', { n: 50 }, { onEvent: (e) => events.push(e.i) })).resolves.toBe(50);
      expect(events).toEqual(Array.from({ length: 50 }, (_, i) => i));
    } finally {
      await r.close();
    }
  });

  it('keeps the name and code of errors thrown in the worker', async () => {
    const r = runner();
    try {
      const err = await r.run('fail', { name: 'InpaintError', code: 'EMPTY_MASK' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobFailedError);
      expect(err).toMatchObject({ name: 'InpaintError', code: 'EMPTY_MASK', message: 'bad input' });
    } finally {
      await r.close();
    }
  });

  it('cancels a running job promptly and keeps working afterwards', async () => {
    const r = runner({ size: 1, cancelGraceMs: 500 });
    try {
      const controller = new AbortController();
      const { job } = await spinning(r, false, controller.signal);
      const t0 = Date.now();
      controller.abort();
      await expect(job).rejects.toBeInstanceOf(JobCancelledError);
      expect(Date.now() - t0).toBeLessThan(200);
      // The pool recovers: this worker ignores the signal, so it is replaced after the grace period.
      await expect(r.run('sleep', { ms: 1 })).resolves.toBe(1);
    } finally {
      await r.close();
    }
  });

  it('with no grace period, terminates the worker at once and replaces it for the next job', async () => {
    const r = runner({ size: 1, cancelGraceMs: 0 });
    try {
      const controller = new AbortController();
      const { job } = await spinning(r, false, controller.signal);
      controller.abort();
      await expect(job).rejects.toBeInstanceOf(JobCancelledError);
      expect(r.pending).toBe(0);
      await expect(r.run('sleep', { ms: 1 })).resolves.toBe(1);
    } finally {
      await r.close();
    }
  });

  it('stops a busy synchronous loop itself (shared cancel flag), without killing the worker', async () => {
    // A grace period far longer than the test: the next job can only run if the worker stopped.
    const r = runner({ size: 1, cancelGraceMs: 60_000 });
    try {
      const controller = new AbortController();
      const { job } = await spinning(r, true, controller.signal);
      controller.abort();
      await expect(job).rejects.toBeInstanceOf(JobCancelledError);
      const t0 = Date.now();
      await r.run('sleep', { ms: 1 });
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await r.close();
    }
  });

  it('cancels a queued job without running it, and refuses an already-aborted signal', async () => {
    const r = runner({ size: 1 });
    try {
      const first = r.run('sleep', { ms: 100 });
      const controller = new AbortController();
      let progressed = false;
      const second = r.run('double', { data: new Uint8Array(8) }, { signal: controller.signal, onProgress: () => (progressed = true) });
      controller.abort();
      await expect(second).rejects.toBeInstanceOf(JobCancelledError);
      await expect(first).resolves.toBe(100);
      expect(progressed).toBe(false);
      await expect(r.run('sleep', { ms: 1 }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(JobCancelledError);
    } finally {
      await r.close();
    }
  });

  it('runs jobs in parallel up to the pool size', async () => {
    const r = runner({ size: 2 });
    try {
      const jobs = [1, 2, 3].map(() => r.run('sleep', { ms: 20 }));
      expect(r.pending).toBe(3);
      expect(await Promise.all(jobs)).toEqual([20, 20, 20]);
      expect(r.pending).toBe(0);
    } finally {
      await r.close();
    }
  });

  it('rejects jobs still running when closed', async () => {
    const r = runner({ size: 1 });
    const job = r.run('sleep', { ms: 10_000 });
    await new Promise((res) => setTimeout(res, 50));
    // Attach the expectation before closing: close() rejects the job while it awaits the workers.
    const cancelled = expect(job).rejects.toBeInstanceOf(JobCancelledError);
    await r.close();
    await cancelled;
    await expect(r.run('sleep', { ms: 1 })).rejects.toThrow(/closed/);
  });
});
