import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../onnx/runtime';
import { SegTrainer, loadSegCheckpoint, saveSegCheckpoint, type SegState } from './segment';

const spec = { arch: 'unet-seg' as const, inC: 1, widths: [4, 8] };
const hyper = { batch: 2, size: 16, lr: 0.01, posWeight: 2, seed: 3 };
const dir = mkdtempSync(join(tmpdir(), 'renovo-seg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bright line on a grey field; the target marks the line. */
function batch(): { x: Float32Array; y: Float32Array } {
  const n = hyper.batch * 16 * 16;
  const x = new Float32Array(n).fill(-0.2), y = new Float32Array(n);
  for (let b = 0; b < hyper.batch; b++) for (let r = 0; r < 16; r++) { const i = b * 256 + r * 16 + 5 + b * 4; x[i] = 0.9; y[i] = 1; }
  return { x, y };
}

describe('segmentation trainer', () => {
  const rt = new Runtime({ provider: 'cpu', threads: 1 });
  afterAll(() => rt.release());

  it('lowers the loss on a fixed batch and resumes exactly from a checkpoint', async () => {
    const t = new SegTrainer(spec, hyper);
    const { x, y } = batch();
    const first = await t.step(rt, x, y);
    for (let i = 0; i < 30; i++) await t.step(rt, x, y);
    const later = await t.step(rt, x, y);
    expect(later).toBeLessThan(first * 0.7);
    const state: SegState = { format: 'renovo-seg-checkpoint/1', step: 32, adamT: t.adam.state.t, rng: 1, spec, hyper, elapsedMs: 0, losses: [], meta: {} };
    await saveSegCheckpoint(dir, state, t);
    const back = await loadSegCheckpoint(dir);
    expect(back?.state.step).toBe(32);
    expect(back?.trainer.adam.state.t).toBe(t.adam.state.t);
    // the same next step from the original and the restored trainer
    const a = await t.step(rt, x, y);
    const b = await back!.trainer.step(rt, x, y);
    expect(b).toBeCloseTo(a, 5);
  });
});
