/**
 * Training checkpoints: one folder per saved step (`step-00001234/`) holding
 *   weights.safetensors  every G/D parameter and BN running statistic (F32, exact)
 *   optim.safetensors    Adam first/second moments of G and D (`G.m:<name>`, `G.v:<name>`, ...)
 *   state.json           step, epoch, RNG state, sampler position, Adam step counts, hyper-parameters,
 *                        architecture, dataset identity, elapsed time
 * Folders are written under a temporary name and renamed, so a kill mid-write never leaves a
 * half checkpoint that `latestCheckpoint` would pick; the newest `keep` folders are kept.
 */
import { mkdir, readdir, rename, rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeSafetensors, decodeSafetensors, type NamedTensor } from '../onnx/safetensors';
import type { DcganSpec } from '../nets/dcgan';
import type { SamplerState } from './data';
import type { AdamMoments, GanHyper } from './gan';

export interface CheckpointState {
  format: 'renovo-gan-checkpoint/1';
  step: number;
  totalSteps: number;
  epoch: number;
  rng: number;
  sampler: SamplerState;
  adamT: { G: number; D: number };
  spec: DcganSpec;
  hyper: GanHyper;
  data: { root: string; count: number; contentHash: string; crop: string; heldOut?: { percent: number; rule: string; count: number; files: string[] } };
  elapsedMs: number;
  losses: Record<string, number>;
  savedAt: string;
  /** Free-form context from the caller (command line, base model, …). */
  meta: Record<string, unknown>;
}

export interface Checkpoint {
  dir: string;
  state: CheckpointState;
  weights: Map<string, Float32Array>;
  moments: { G: AdamMoments; D: AdamMoments };
}

const stepDir = (root: string, step: number): string => join(root, `step-${String(step).padStart(8, '0')}`);

const shapeless = (m: Map<string, Float32Array>, prefix = ''): Map<string, NamedTensor> =>
  new Map([...m].map(([k, v]) => [`${prefix}${k}`, { shape: [v.length], data: v }]));

export async function saveCheckpoint(root: string, state: CheckpointState, weights: Map<string, Float32Array>, moments: { G: AdamMoments; D: AdamMoments }, keep = 2): Promise<string> {
  await mkdir(root, { recursive: true });
  const final = stepDir(root, state.step);
  const tmp = `${final}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  await writeFile(join(tmp, 'weights.safetensors'), encodeSafetensors(shapeless(weights), { metadata: { format: 'renovo-dcgan', arch: state.spec.arch } }));
  const opt = new Map<string, NamedTensor>();
  for (const tag of ['G', 'D'] as const) {
    for (const [k, v] of shapeless(moments[tag].m, `${tag}.m:`)) opt.set(k, v);
    for (const [k, v] of shapeless(moments[tag].v, `${tag}.v:`)) opt.set(k, v);
  }
  await writeFile(join(tmp, 'optim.safetensors'), encodeSafetensors(opt));
  await writeFile(join(tmp, 'state.json'), JSON.stringify({ ...state, adamT: { G: moments.G.t, D: moments.D.t } }));
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  const all = await listCheckpoints(root);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await rm(join(root, old), { recursive: true, force: true });
  return final;
}

/** Checkpoint folder names, oldest first. */
export async function listCheckpoints(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  return names.filter((n) => /^step-\d{8}$/.test(n)).sort();
}

export async function latestCheckpoint(root: string): Promise<string | null> {
  const all = await listCheckpoints(root);
  return all.length ? join(root, all[all.length - 1]) : null;
}

/** Loads a checkpoint folder (or the newest one under a run folder). */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let dir = path;
  try {
    await readFile(join(dir, 'state.json'));
  } catch {
    const latest = await latestCheckpoint(path);
    if (!latest) throw new Error(`no checkpoint in ${path} (expected state.json or step-NNNNNNNN/ folders)`);
    dir = latest;
  }
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  if (state.format !== 'renovo-gan-checkpoint/1') throw new Error(`${dir}: not a Renovo GAN checkpoint (format ${String(state.format)})`);
  const w = decodeSafetensors(new Uint8Array(await readFile(join(dir, 'weights.safetensors'))));
  const weights = new Map([...w.tensors].map(([k, e]) => [k, e.data]));
  const o = decodeSafetensors(new Uint8Array(await readFile(join(dir, 'optim.safetensors'))));
  const moments = { G: { t: state.adamT.G, m: new Map(), v: new Map() }, D: { t: state.adamT.D, m: new Map(), v: new Map() } } as { G: AdamMoments; D: AdamMoments };
  for (const [k, e] of o.tensors) {
    const m = /^([GD])\.([mv]):(.*)$/.exec(k);
    if (!m) continue;
    moments[m[1] as 'G' | 'D'][m[2] as 'm' | 'v'].set(m[3], e.data);
  }
  return { dir, state, weights, moments };
}
