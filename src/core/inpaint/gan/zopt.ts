// Latent optimisation: Adam on a batch of random restarts z_1..z_N (optimised together, one session
// run per iteration), z clipped to the prior's range after every step, each restart's best iterate
// kept, and the restart with the lowest total loss chosen. Stops at `iterations` or when every
// restart's gradient L1 norm has fallen below `gradTol` (a converged restart stops moving), or —
// with `patience` — when the best loss has not improved for that many iterations (warm starts from
// a z-encoder converge in tens of iterations; running on only burns time).
import { abortError } from '../../platform/cancel';
import type { CompiledGraph } from '../../onnx/runtime';
import { Rng } from '../../random';

export interface ZOptOptions {
  /** Restarts optimised together; must equal the session's batch. */
  restarts: number;
  /** Maximum Adam iterations (default 1500). */
  iterations?: number;
  /** Adam learning rate (default 0.03). */
  learningRate?: number;
  /** Stop a restart when ‖∂loss/∂z‖₁ < gradTol (default 1e-4). */
  gradTol?: number;
  /** z is kept in [−zClip, zClip] (default 3: the N(0, 1) prior's ±3σ). */
  zClip?: number;
  /** Weight of the perceptual term (ignored by sessions built without D). */
  lambda?: number;
  seed?: number;
  /** Starting latents [restarts·nz] (e.g. a z-encoder's output and jittered copies); default: N(0, 1) draws from `seed`. */
  init?: Float32Array;
  /** Stop when the best loss has not improved by more than `minImprovement` (relative) for this many iterations (default: never). */
  patience?: number;
  /** Relative improvement that resets the patience counter (default 1e-3). */
  minImprovement?: number;
  /** Learning rate ramps linearly from lr/10 to lr over this many iterations (default 0): a good start is not thrown away by large first steps. */
  warmup?: number;
  signal?: AbortSignal;
  /** Called after every iteration. */
  onIteration?: (s: ZOptProgress) => void;
}

export interface ZOptProgress {
  iteration: number;
  iterations: number;
  bestLoss: number;
  elapsedMs: number;
  etaMs: number;
}

export interface ZOptResult {
  /** The chosen latent [nz]. */
  z: Float32Array;
  /** G(ẑ) [nc, R, R] in [−1, 1]. */
  image: Float32Array;
  /** Total loss at ẑ. */
  loss: number;
  /** Index of the chosen restart. */
  chosen: number;
  /** Best (lowest) total loss reached by each restart. */
  restartLosses: number[];
  /** Loss of each restart at its starting point. */
  initialLosses: number[];
  /** Best loss over all restarts after each iteration (history[0]: at the start). */
  history: number[];
  iterations: number;
  stoppedBy: 'iterations' | 'gradient' | 'patience';
}

export interface ZProblem {
  /** Target [nc·R·R] in [−1, 1] (values in the hole are ignored). */
  y: Float32Array;
  /** Contextual weights [R·R] (0 in the hole). */
  w: Float32Array;
  nz: number;
}

export async function optimizeLatent(session: CompiledGraph, problem: ZProblem, o: ZOptOptions): Promise<ZOptResult> {
  const N = o.restarts;
  const { nz } = problem;
  const iterations = o.iterations ?? 1500;
  const lr0 = o.learningRate ?? 0.03;
  const warmup = o.warmup ?? 0;
  const tol = o.gradTol ?? 1e-4;
  const clipV = o.zClip ?? 3;
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  let z: Float32Array;
  if (o.init) {
    if (o.init.length !== N * nz) throw new Error(`optimizeLatent: init has ${o.init.length} values, restarts × nz = ${N * nz}`);
    z = Float32Array.from(o.init);
  } else {
    z = new Rng(((o.seed ?? 1) ^ 0x2a7e11) >>> 0).normals(N * nz);
  }
  for (let i = 0; i < z.length; i++) z[i] = Math.max(-clipV, Math.min(clipV, z[i]));
  const m = new Float32Array(N * nz), v = new Float32Array(N * nz);
  const steps = new Int32Array(N);
  const active = new Uint8Array(N).fill(1);
  const bestZ = Float32Array.from(z);
  const bestLoss = new Array<number>(N).fill(Infinity);
  const initialLosses: number[] = [];
  const history: number[] = [];
  const feeds = { z, y: problem.y, w: problem.w, lambda: Float32Array.of(o.lambda ?? 0.003) };
  const started = performance.now();
  let it = 0;
  let stoppedBy: ZOptResult['stoppedBy'] = 'iterations';
  const patience = o.patience ?? Infinity;
  const minImp = o.minImprovement ?? 1e-3;
  let plateauFrom = 0, plateauIt = 0;
  for (;;) {
    if (o.signal?.aborted) throw abortError();
    const { losses, dz } = await session.run(feeds, ['losses', 'dz']);
    for (let i = 0; i < N; i++) {
      const l = losses[i];
      if (it === 0) initialLosses.push(l);
      if (l < bestLoss[i]) {
        bestLoss[i] = l;
        bestZ.set(z.subarray(i * nz, (i + 1) * nz), i * nz);
      }
    }
    history.push(Math.min(...bestLoss));
    if (it > 0) {
      const elapsedMs = performance.now() - started;
      o.onIteration?.({ iteration: it, iterations, bestLoss: history[it], elapsedMs, etaMs: (elapsedMs / it) * (iterations - it) });
    }
    if (it === iterations) break;
    const best = history[it];
    if (it === 0 || best < plateauFrom - minImp * Math.abs(plateauFrom)) { plateauFrom = best; plateauIt = it; }
    else if (it - plateauIt >= patience) { stoppedBy = 'patience'; break; }
    // Adam step per active restart
    let anyActive = false;
    for (let i = 0; i < N; i++) {
      if (!active[i]) continue;
      let g1 = 0;
      for (let k = i * nz; k < (i + 1) * nz; k++) g1 += Math.abs(dz[k]);
      if (g1 < tol) { active[i] = 0; continue; }
      anyActive = true;
      const t = ++steps[i];
      const c1 = 1 - b1 ** t, c2s = Math.sqrt(1 - b2 ** t);
      const lr = it < warmup ? lr0 * (0.1 + (0.9 * it) / warmup) : lr0;
      for (let k = i * nz; k < (i + 1) * nz; k++) {
        const g = dz[k];
        m[k] = b1 * m[k] + (1 - b1) * g;
        v[k] = b2 * v[k] + (1 - b2) * g * g;
        const zk = z[k] - ((lr / c1) * m[k]) / (Math.sqrt(v[k]) / c2s + eps);
        z[k] = zk < -clipV ? -clipV : zk > clipV ? clipV : zk;
      }
    }
    if (!anyActive) { stoppedBy = 'gradient'; break; }
    it++;
  }
  let chosen = 0;
  for (let i = 1; i < N; i++) if (bestLoss[i] < bestLoss[chosen]) chosen = i;
  // one more run at the best iterates gives G(ẑ) (deterministic: the same losses as recorded)
  feeds.z = bestZ;
  const { image } = await session.run(feeds, ['image']);
  const size = image.length / N;
  return {
    z: bestZ.slice(chosen * nz, (chosen + 1) * nz),
    image: image.slice(chosen * size, (chosen + 1) * size),
    loss: bestLoss[chosen],
    chosen,
    restartLosses: bestLoss,
    initialLosses,
    history,
    iterations: it,
    stoppedBy,
  };
}
