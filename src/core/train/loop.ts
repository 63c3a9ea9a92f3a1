/**
 * The GAN training loop: seeded batches and latents, D:G step ratio, checkpoints every N steps
 * (and/or every T ms), a sample grid from fixed latents at each epoch end, progress events with
 * losses and ETA, pause (checkpoint then wait) and cancel (checkpoint then return).
 *
 * Determinism: all randomness (epoch permutations, crops, flips, latents) comes from one Rng
 * whose state is saved in each checkpoint with the sampler position and Adam moments, so stopping
 * at step k and resuming gives the weights an uninterrupted run has (onnxruntime CPU kernels are
 * deterministic for a fixed thread count; see loop.test.ts).
 */
import { mkdir, copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runtime } from '../onnx/runtime';
import type { DcganSpec } from '../nets/dcgan';
import { BatchSampler, type Dataset } from './data';
import { GanTrainer, initGanWeights, type GanHyper } from './gan';
import { loadCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint';
import { writeGridPng } from './grid';
import { Rng } from '../random';

/** Start/pause/resume/cancel handle for a running training loop (what a UI panel drives). */
export class TrainControl {
  private pausedFlag = false;
  private readonly ac = new AbortController();
  private wake: (() => void) | null = null;

  get signal(): AbortSignal {
    return this.ac.signal;
  }
  get paused(): boolean {
    return this.pausedFlag;
  }
  pause(): void {
    this.pausedFlag = true;
  }
  resume(): void {
    this.pausedFlag = false;
    this.wake?.();
  }
  /** Stops after the current step; the loop writes a checkpoint first. */
  cancel(): void {
    this.ac.abort();
    this.wake?.();
  }
  /** Links an external AbortSignal (job runner, CLI Ctrl-C). */
  follow(signal: AbortSignal | undefined): this {
    if (signal) {
      if (signal.aborted) this.cancel();
      else signal.addEventListener('abort', () => this.cancel(), { once: true });
    }
    return this;
  }
  /** @internal resolves when resumed or cancelled. */
  waitResumed(): Promise<void> {
    if (!this.pausedFlag || this.ac.signal.aborted) return Promise.resolve();
    return new Promise((res) => {
      this.wake = (): void => {
        this.wake = null;
        res();
      };
    });
  }
}

export type TrainPhase = 'training' | 'checkpoint' | 'sample' | 'paused' | 'cancelled' | 'done';

export interface TrainProgress {
  phase: TrainPhase;
  step: number;
  totalSteps: number;
  epoch: number;
  /** Mean losses over the steps since the previous event. */
  lossD: number;
  lossG: number;
  /** Mean D(x) and D(G(z)) probabilities. */
  dReal: number;
  dFake: number;
  /** Real images consumed by D per second (this session). */
  imagesPerSec: number;
  elapsedMs: number;
  /** Remaining-time estimate from this session's step rate (null before the first steps). */
  etaMs: number | null;
  /** Newest sample grid (PNG), if any. */
  samplePath: string | null;
  checkpointPath: string | null;
}

export interface TrainLoopOptions {
  runtime: Runtime;
  dataset: Dataset;
  spec: DcganSpec;
  hyper: GanHyper;
  /** Total training steps (one step = dSteps D updates + gSteps G updates). */
  steps: number;
  /** Checkpoints and samples go here. */
  runDir: string;
  /** Checkpoint every N steps (default 500) and/or every `checkpointEveryMs`. */
  checkpointEvery?: number;
  checkpointEveryMs?: number;
  /** Checkpoint folders kept (default 2). */
  keep?: number;
  /** Continue from the newest checkpoint in runDir when there is one (default true). */
  resume?: boolean;
  /** Starting weights (fine-tuning); default: DCGAN init from hyper.seed. Ignored when resuming. */
  init?: Map<string, Float32Array>;
  /** Number of fixed latents in the sample grid (default 64). */
  sampleCount?: number;
  /** Extra sample grids every N steps (default: only at epoch ends and at the end). */
  sampleEvery?: number;
  /**
   * Sample grids kept in runDir/samples besides the first and the best (lowest generator loss):
   * the newest N (default 8). Epoch-end grids are also at least steps/MAX_EPOCH_GRIDS apart, so a
   * small folder (an epoch every few steps) cannot fill the disk.
   */
  keepSamples?: number;
  /** Stored in checkpoint state (command line, base model, …). */
  meta?: Record<string, unknown>;
  control?: TrainControl;
  /** Progress events at most every `progressEveryMs` (default 500) plus on phase changes. */
  onProgress?: (p: TrainProgress) => void;
  progressEveryMs?: number;
  /** Metrics (window means) every `logEvery` steps (default 10), e.g. into the training-run table. */
  onMetrics?: (step: number, metrics: Record<string, number>) => void;
  logEvery?: number;
}

export interface TrainLoopResult {
  status: 'completed' | 'cancelled';
  step: number;
  epoch: number;
  weights: Map<string, Float32Array>;
  elapsedMs: number;
  checkpointPath: string;
  samplePath: string;
  losses: { lossD: number; lossG: number; dReal: number; dFake: number };
  resumedFrom: number;
}

/** Fixed latents for sample grids: a function of the seed only, never of the training stream. */
export function fixedLatents(seed: number, count: number, nz: number): Float32Array {
  return new Rng((seed ^ 0x5eed5a11) >>> 0).normals(count * nz);
}

/** At most this many epoch-end grids are drawn over a run (however small the folder). */
const MAX_EPOCH_GRIDS = 50;

/** The sample grids of a run: the first, the best (lowest lossG when drawn) and the newest N stay. */
class SampleGrids {
  private readonly written: { path: string; lossG: number }[] = [];
  constructor(private readonly keep: number) {}

  async add(path: string, lossG: number): Promise<void> {
    const i = this.written.findIndex((w) => w.path === path);
    if (i >= 0) this.written.splice(i, 1);
    this.written.push({ path, lossG });
    let best = -1;
    for (let k = 1; k < this.written.length; k++) {
      if (Number.isFinite(this.written[k].lossG) && (best < 0 || this.written[k].lossG < this.written[best].lossG)) best = k;
    }
    const drop = this.written.filter((_, k) => k !== 0 && k !== best && k < this.written.length - this.keep);
    for (const d of drop) await rm(d.path, { force: true });
    this.written.splice(0, this.written.length, ...this.written.filter((w) => !drop.includes(w)));
  }
}

export async function trainLoop(o: TrainLoopOptions): Promise<TrainLoopResult> {
  const { spec, hyper, dataset } = o;
  const control = o.control ?? new TrainControl();
  const checkpointEvery = o.checkpointEvery ?? 500;
  const sampleCount = o.sampleCount ?? 64;
  const logEvery = o.logEvery ?? 10;
  const progressEveryMs = o.progressEveryMs ?? 500;
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error(`training: steps must be a positive integer (got ${o.steps})`);
  if (dataset.resolution !== spec.resolution) throw new Error(`training: dataset prepared at ${dataset.resolution}px, model is ${spec.resolution}px`);
  await mkdir(join(o.runDir, 'samples'), { recursive: true });

  const rng = new Rng(hyper.seed);
  let weights: Map<string, Float32Array>;
  let step = 0;
  let elapsedBefore = 0;
  let resumed: Awaited<ReturnType<typeof loadCheckpoint>> | null = null;
  if (o.resume !== false) {
    try {
      resumed = await loadCheckpoint(o.runDir);
    } catch {
      resumed = null;
    }
  }
  if (resumed) {
    const s = resumed.state;
    if (s.spec.arch !== spec.arch || s.spec.ngf !== spec.ngf || s.spec.ndf !== spec.ndf || s.spec.nz !== spec.nz) {
      throw new Error(`checkpoint ${resumed.dir} is ${s.spec.arch} ngf=${s.spec.ngf} ndf=${s.spec.ndf} nz=${s.spec.nz}; this run asks for ${spec.arch} ngf=${spec.ngf} ndf=${spec.ndf} nz=${spec.nz}`);
    }
    if (s.data.contentHash !== dataset.contentHash) throw new Error(`checkpoint ${resumed.dir} was trained on different data (${s.data.count} images, hash ${s.data.contentHash.slice(0, 12)}); this folder has ${dataset.count} images, hash ${dataset.contentHash.slice(0, 12)}`);
    weights = resumed.weights;
    step = s.step;
    elapsedBefore = s.elapsedMs;
  } else {
    weights = o.init ? new Map([...o.init].map(([k, v]) => [k, v.slice()])) : initGanWeights(spec, hyper.seed);
  }
  const trainer = await GanTrainer.create(o.runtime, spec, hyper, weights, sampleCount);
  const sampler = new BatchSampler(dataset, hyper.batch, rng);
  if (resumed) {
    trainer.setMoments(resumed.moments.G, resumed.moments.D);
    sampler.state = resumed.state.sampler;
    rng.state = resumed.state.rng;
  }
  const resumedFrom = step;
  const zFixed = fixedLatents(hyper.seed, sampleCount, spec.nz);
  const nzB = hyper.batch * spec.nz;

  const t0 = Date.now();
  const elapsed = (): number => elapsedBefore + (Date.now() - t0);
  let lastCkpt = resumed?.dir ?? '';
  let lastCkptAt = Date.now();
  let samplePath = '';
  const win = { n: 0, lossD: 0, lossG: 0, dReal: 0, dFake: 0 };
  const last = { lossD: NaN, lossG: NaN, dReal: NaN, dFake: NaN };
  let lastProgressAt = 0;
  let sessionSteps = 0;
  let trainMs = 0;

  const emit = (phase: TrainPhase, force = false): void => {
    if (!o.onProgress) return;
    const now = Date.now();
    if (!force && now - lastProgressAt < progressEveryMs) return;
    lastProgressAt = now;
    const perStep = sessionSteps ? trainMs / sessionSteps : 0;
    o.onProgress({
      phase, step, totalSteps: o.steps, epoch: sampler.epoch,
      lossD: last.lossD, lossG: last.lossG, dReal: last.dReal, dFake: last.dFake,
      imagesPerSec: perStep ? (hyper.batch * hyper.dSteps * 1000) / perStep : 0,
      elapsedMs: elapsed(), etaMs: sessionSteps ? perStep * (o.steps - step) : null,
      samplePath: samplePath || null, checkpointPath: lastCkpt || null,
    });
  };

  const grids = new SampleGrids(Math.max(1, o.keepSamples ?? 8));
  const epochGridEvery = Math.max(1, Math.ceil(o.steps / MAX_EPOCH_GRIDS));
  let lastEpochGridStep = -Infinity;
  const sample = async (name: string): Promise<void> => {
    const img = await trainer.generate(zFixed);
    const p = join(o.runDir, 'samples', name);
    await writeGridPng(p, img, sampleCount, spec.nc, spec.resolution);
    await copyFile(p, join(o.runDir, 'sample-latest.png'));
    samplePath = p;
    await grids.add(p, last.lossG);
    emit('sample', true);
  };

  const checkpoint = async (): Promise<string> => {
    const state: CheckpointState = {
      format: 'renovo-gan-checkpoint/1', step, totalSteps: o.steps, epoch: sampler.epoch, rng: rng.state, sampler: sampler.state,
      adamT: { G: 0, D: 0 }, spec, hyper,
      data: {
        root: dataset.root, count: dataset.count, contentHash: dataset.contentHash, crop: dataset.crop,
        ...(dataset.heldOut ? { heldOut: { ...dataset.heldOut, count: dataset.heldOut.files.length } } : {}),
      },
      elapsedMs: elapsed(), losses: { ...last }, savedAt: new Date().toISOString(), meta: o.meta ?? {},
    };
    lastCkpt = await saveCheckpoint(o.runDir, state, weights, trainer.moments(), o.keep ?? 2);
    lastCkptAt = Date.now();
    emit('checkpoint', true);
    return lastCkpt;
  };

  if (!resumed) await sample('step-00000000.png');
  let status: 'completed' | 'cancelled' = 'completed';
  while (step < o.steps) {
    if (control.signal.aborted) {
      status = 'cancelled';
      break;
    }
    if (control.paused) {
      if (lastCkpt === '' || !lastCkpt.endsWith(String(step).padStart(8, '0'))) await checkpoint();
      emit('paused', true);
      await control.waitResumed();
      continue;
    }
    const ts = Date.now();
    let epochEnded = -1;
    for (let i = 0; i < hyper.dSteps; i++) {
      const before = sampler.epoch;
      const { data } = sampler.next();
      if (sampler.epoch !== before) epochEnded = before;
      const r = await trainer.dUpdate(data, rng.normals(nzB));
      win.lossD += r.lossD / hyper.dSteps;
      win.dReal += r.dReal / hyper.dSteps;
      win.dFake += r.dFake / hyper.dSteps;
    }
    for (let i = 0; i < hyper.gSteps; i++) win.lossG += (await trainer.gUpdate(rng.normals(nzB))) / hyper.gSteps;
    win.n++;
    step++;
    sessionSteps++;
    trainMs += Date.now() - ts;
    if (win.n >= logEvery || step === o.steps) {
      const m = { lossD: win.lossD / win.n, lossG: win.lossG / win.n, dReal: win.dReal / win.n, dFake: win.dFake / win.n };
      if ([m.lossD, m.lossG].some((v) => !Number.isFinite(v))) throw new Error(`training diverged at step ${step} (lossD ${m.lossD}, lossG ${m.lossG})`);
      Object.assign(last, m);
      o.onMetrics?.(step, { ...m, imagesPerSec: (hyper.batch * hyper.dSteps * 1000) / Math.max(1, trainMs / sessionSteps) });
      win.n = win.lossD = win.lossG = win.dReal = win.dFake = 0;
    }
    emit('training');
    if (epochEnded >= 0 && step - lastEpochGridStep >= epochGridEvery) {
      lastEpochGridStep = step;
      await sample(`epoch-${String(epochEnded + 1).padStart(4, '0')}.png`);
    }
    else if (o.sampleEvery && step % o.sampleEvery === 0) await sample(`step-${String(step).padStart(8, '0')}.png`);
    if (step % checkpointEvery === 0 || (o.checkpointEveryMs && Date.now() - lastCkptAt >= o.checkpointEveryMs)) await checkpoint();
  }
  if (win.n) {
    Object.assign(last, { lossD: win.lossD / win.n, lossG: win.lossG / win.n, dReal: win.dReal / win.n, dFake: win.dFake / win.n });
  }
  if (!lastCkpt.endsWith(`step-${String(step).padStart(8, '0')}`)) await checkpoint();
  if (step > resumedFrom || !samplePath) await sample(`final-${String(step).padStart(8, '0')}.png`);
  emit(status === 'cancelled' ? 'cancelled' : 'done', true);
  return { status, step, epoch: sampler.epoch, weights, elapsedMs: elapsed(), checkpointPath: lastCkpt, samplePath, losses: { ...last }, resumedFrom };
}
