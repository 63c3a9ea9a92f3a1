// Step checkpoints of the small trainers (segment.ts, zencoder.ts): a folder root/step-NNNNNNNN
// with weights.safetensors, optim.safetensors (Adam's moments as m:<name>, v:<name>) and
// state.json, written under a temporary name and renamed, so a crash never leaves half a checkpoint.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Adam } from '../onnx/optim';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../onnx/safetensors';

/** Tensors with their shapes (flat when a shape is unknown), names prefixed. */
export const shapedTensors = (m: ReadonlyMap<string, Float32Array>, shapes: ReadonlyMap<string, readonly number[]>, prefix = ''): Map<string, NamedTensor> =>
  new Map([...m].map(([k, v]) => [prefix + k, { data: v, shape: [...(shapes.get(k) ?? [v.length])] }]));

/** Writes step `step` (weights bytes, the optimiser's moments, state + Adam's step count) and keeps the newest `keep`. */
export async function saveStepCheckpoint(root: string, step: number, weights: Uint8Array, adam: Adam, shapes: ReadonlyMap<string, readonly number[]>, state: object, keep = 2): Promise<string> {
  await mkdir(root, { recursive: true });
  const name = `step-${String(step).padStart(8, '0')}`;
  const tmp = join(root, `.${name}.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'weights.safetensors'), weights);
  const mom = new Map([...shapedTensors(adam.state.m, shapes, 'm:'), ...shapedTensors(adam.state.v, shapes, 'v:')]);
  await writeFile(join(tmp, 'optim.safetensors'), encodeSafetensors(mom));
  await writeFile(join(tmp, 'state.json'), JSON.stringify({ ...state, adamT: adam.state.t }, null, 1));
  await rm(join(root, name), { recursive: true, force: true });
  await rename(tmp, join(root, name));
  const all = (await readdir(root)).filter((d) => /^step-\d+$/.test(d)).sort();
  for (const d of all.slice(0, Math.max(0, all.length - keep))) await rm(join(root, d), { recursive: true, force: true });
  return join(root, name);
}

/** The newest checkpoint folder under root, or null. */
export async function latestStepCheckpoint(root: string): Promise<string | null> {
  let dirs: string[];
  try {
    dirs = (await readdir(root)).filter((d) => /^step-\d+$/.test(d)).sort();
  } catch {
    return null;
  }
  return dirs.length ? join(root, dirs[dirs.length - 1]) : null;
}

/** Restores a checkpoint's Adam moments (for every weight name) and step count into `adam`. */
export async function restoreAdam(dir: string, adam: Adam, names: Iterable<string>, adamT: number): Promise<void> {
  const mom = decodeSafetensors(new Uint8Array(await readFile(join(dir, 'optim.safetensors'))));
  for (const k of names) {
    const m = mom.tensors.get(`m:${k}`), v = mom.tensors.get(`v:${k}`);
    if (!m || !v) throw new Error(`${dir}: optim.safetensors lacks the Adam moments of '${k}'`);
    adam.state.m.set(k, Float32Array.from(m.data));
    adam.state.v.set(k, Float32Array.from(v.data));
  }
  adam.state.t = adamT;
}
