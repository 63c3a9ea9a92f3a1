// A job worker busy in onnxruntime can be cancelled and closed without taking the process down.
// Terminating a worker thread in the middle of a session's run aborts the whole process
// (std::terminate on a Napi::Error; platform/native-calls.ts): the runner must wait for the call.
// Without that, this file's test process dies with SIGABRT and vitest reports it as failed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCancelledError, JobRunner } from './index';

type InferTasks = {
  /** runs a ~7 GFLOP matrix product back to back, an event after each run, until cancelled */
  infer: { input: { runs: number }; output: number; event: { run: number } };
};

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKER_SOURCE = `
import { serveTasks } from './serve';
import { Graph } from '../onnx/graph';
import { gemm } from '../onnx/ops';
import { Runtime } from '../onnx/runtime';
import { serialize } from '../onnx/serialize';

serveTasks({
  async infer({ runs }, ctx) {
    const N = 1536;
    const g = new Graph('product');
    const a = g.input('a', [N, N]);
    g.output('y', gemm(a, a));
    const session = await new Runtime({ provider: 'cpu', threads: 1, spin: false }).compile(serialize(g));
    const a0 = new Float32Array(N * N).fill(0.001);
    for (let i = 0; i < runs; i++) {
      await session.run({ a: a0 });
      ctx.emit({ run: i });
    }
    return runs;
  },
});
`;

// under the repository's node_modules, so the bundle finds onnxruntime-node (kept external: native)
const cacheDir = join(HERE, '../../../node_modules/.cache');
mkdirSync(cacheDir, { recursive: true });
const dir = mkdtempSync(join(cacheDir, 'renovo-native-stop-'));
const workerPath = join(dir, 'worker.cjs');

beforeAll(async () => {
  await build({
    stdin: { contents: WORKER_SOURCE, loader: 'ts', resolveDir: HERE, sourcefile: 'infer-worker.ts' },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', outfile: workerPath,
    external: ['onnxruntime-node'],
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts an inference job and resolves once its first run has finished (the next is under way). */
async function inferring(r: JobRunner<InferTasks>, signal?: AbortSignal): Promise<{ job: Promise<number> }> {
  let first!: () => void;
  const started = new Promise<void>((res) => (first = res));
  const job = r.run('infer', { runs: 1000 }, { signal, onEvent: () => first() });
  job.catch(() => {});
  await Promise.race([started, job]);
  return { job };
}

describe('stopping a worker that is running onnxruntime', () => {
  it('cancels with no grace period mid-run, again and again, and the runner still works', async () => {
    const r = new JobRunner<InferTasks>({ workerPath, size: 1, cancelGraceMs: 0 });
    try {
      for (let k = 0; k < 3; k++) {
        const ctrl = new AbortController();
        const { job } = await inferring(r, ctrl.signal);
        await new Promise((res) => setTimeout(res, 10 * (k + 1))); // inside a run (they are back to back)
        ctrl.abort();
        await expect(job).rejects.toThrow(JobCancelledError);
      }
      await expect(r.run('infer', { runs: 2 })).resolves.toBe(2);
    } finally {
      await r.close();
    }
  });

  it('closes while a run is in flight', async () => {
    const r = new JobRunner<InferTasks>({ workerPath, size: 1 });
    const { job } = await inferring(r);
    await new Promise((res) => setTimeout(res, 10));
    await r.close();
    await expect(job).rejects.toThrow(JobCancelledError);
  });
});
