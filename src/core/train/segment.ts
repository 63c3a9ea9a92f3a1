/**
 * Trainer for the damage-segmentation U-Net: one ONNX graph computes the weighted binary
 * cross-entropy and its gradient w.r.t. every weight (Renovo's autodiff), Adam updates in
 * TypeScript, checkpoints are safetensors + state.json written atomically (as checkpoint.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { grad } from '../onnx/autodiff';
import { Graph } from '../onnx/graph';
import { add, mul, reduceMean, softplus, sub } from '../onnx/ops';
import { Adam } from '../onnx/optim';
import { latestStepCheckpoint, restoreAdam, saveStepCheckpoint, shapedTensors } from './step-checkpoint';
import type { CompiledGraph, Runtime } from '../onnx/runtime';
import { decodeSafetensors, encodeSafetensors } from '../onnx/safetensors';
import { serialize } from '../onnx/serialize';
import { initUnet, unet, type UnetSpec } from '../nets/unet';

export interface SegHyper {
  batch: number;
  size: number;
  lr: number;
  /** weight of damage pixels in the loss (damage is a few % of the pixels) */
  posWeight: number;
  seed: number;
}

export interface SegState {
  format: 'renovo-seg-checkpoint/1';
  step: number;
  adamT: number;
  rng: number;
  spec: UnetSpec;
  hyper: SegHyper;
  elapsedMs: number;
  losses: number[];
  meta: Record<string, unknown>;
}

export class SegTrainer {
  readonly weights: Map<string, Float32Array>;
  readonly adam: Adam;
  private compiled: CompiledGraph | null = null;
  private readonly names: string[];
  private readonly graph: Graph;

  constructor(readonly spec: UnetSpec, readonly hyper: SegHyper, weights?: Map<string, Float32Array>) {
    const g = new Graph('unet-seg-train');
    const x = g.input('x', [hyper.batch, spec.inC, hyper.size, hyper.size]);
    const y = g.input('y', [hyper.batch, 1, hyper.size, hyper.size]);
    const net = unet(g, x, spec);
    // BCE with logits z: softplus(z) − y·z, damage pixels weighted by posWeight
    const w = add(mul(y, hyper.posWeight - 1), 1);
    const loss = reduceMean(mul(w, sub(softplus(net.logits), mul(y, net.logits))));
    this.names = [...net.params.keys()];
    const grads = grad(loss, [...net.params.values()]);
    g.output('loss', loss);
    grads.forEach((t, i) => g.output(`d:${this.names[i]}`, t));
    this.graph = g;
    this.weights = weights ?? initUnet(net, hyper.seed);
    this.adam = new Adam(this.weights, { lr: hyper.lr });
  }

  /** One optimiser step on a batch (x: inputs, y: 0/1 targets); returns the loss. */
  async step(rt: Runtime, x: Float32Array, y: Float32Array): Promise<number> {
    this.compiled ??= await rt.compile(serialize(this.graph));
    const feeds: Record<string, Float32Array> = { x, y };
    for (const [k, v] of this.weights) feeds[k] = v;
    const out = await this.compiled.run(feeds);
    const grads = new Map<string, Float32Array>();
    for (const k of this.names) grads.set(k, out[`d:${k}`]);
    this.adam.step(grads);
    return out.loss[0];
  }
}


/** Weight shapes of a spec (for safetensors headers). */
function unetShapes(spec: UnetSpec): Map<string, readonly number[]> {
  const f = 2 ** (spec.widths.length - 1);
  const g = new Graph('shapes');
  const net = unet(g, g.input('x', [1, spec.inC, f, f]), spec);
  return new Map([...net.params].map(([k, t]) => [k, t.shape]));
}

export function encodeUnetWeights(spec: UnetSpec, weights: ReadonlyMap<string, Float32Array>, dtype: 'F32' | 'F16' = 'F32'): Uint8Array {
  return encodeSafetensors(shapedTensors(weights, unetShapes(spec)), { dtype, metadata: { format: 'renovo-unet-seg/1', spec: JSON.stringify(spec) } });
}

/** Decodes weights and checks every tensor the spec needs is there with the right size. */
export function decodeUnetWeights(bytes: Uint8Array, spec: UnetSpec, what = 'detector weights'): Map<string, Float32Array> {
  const dec = decodeSafetensors(bytes);
  const out = new Map<string, Float32Array>();
  for (const [k, shape] of unetShapes(spec)) {
    const t = dec.tensors.get(k);
    const n = shape.reduce((a, b) => a * b, 1);
    if (!t || t.data.length !== n) throw new Error(`${what}: tensor '${k}' missing or not of shape [${shape.join(',')}]`);
    out.set(k, t.data);
  }
  return out;
}

export async function saveSegCheckpoint(root: string, state: SegState, t: SegTrainer, keep = 2): Promise<string> {
  const shapes = unetShapes(t.spec);
  return saveStepCheckpoint(root, state.step, encodeSafetensors(shapedTensors(t.weights, shapes)), t.adam, shapes, state, keep);
}

/** The newest checkpoint under root (or null), restored into a trainer with its Adam moments. */
export async function loadSegCheckpoint(root: string): Promise<{ state: SegState; trainer: SegTrainer } | null> {
  const dir = await latestStepCheckpoint(root);
  if (!dir) return null;
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SegState;
  const weights = decodeUnetWeights(new Uint8Array(await readFile(join(dir, 'weights.safetensors'))), state.spec, dir);
  const trainer = new SegTrainer(state.spec, state.hyper, weights);
  await restoreAdam(dir, trainer.adam, weights.keys(), state.adamT);
  return { state, trainer };
}
