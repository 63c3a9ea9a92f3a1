/**
 * Loading DCGAN weights from a model file (safetensors, F16 or F32, G and D in one file or two)
 * or a training checkpoint folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSafetensors } from '../onnx/safetensors';
import { loadCheckpoint, type CheckpointState } from './checkpoint';
import { loadModelEncoder, type LoadedEncoder } from './zencoder';

export interface LoadedWeights {
  weights: Map<string, Float32Array>;
  metadata: Record<string, string>;
  checkpoint: CheckpointState | null;
  /** A model folder's z-encoder (E.safetensors, checked against its G.safetensors), else null. */
  encoder?: LoadedEncoder | null;
}

async function readSafetensorsInto(path: string, into: Map<string, Float32Array>, meta: Record<string, string>): Promise<void> {
  const d = decodeSafetensors(new Uint8Array(await readFile(path)));
  for (const [k, e] of d.tensors) into.set(k, e.data);
  Object.assign(meta, d.metadata);
}

/**
 * `path`: a .safetensors file, a model folder (G.safetensors + D.safetensors and an optional
 * E.safetensors z-encoder, as in models/<name>/),
 * or a checkpoint folder / run folder.
 */
export async function loadWeightsFile(path: string): Promise<LoadedWeights> {
  const s = await stat(path).catch(() => null);
  if (!s) throw new Error(`weights ${path} do not exist`);
  const weights = new Map<string, Float32Array>();
  const metadata: Record<string, string> = {};
  if (s.isFile()) {
    await readSafetensorsInto(path, weights, metadata);
    return { weights, metadata, checkpoint: null };
  }
  const g = await stat(join(path, 'G.safetensors')).catch(() => null);
  if (g) {
    await readSafetensorsInto(join(path, 'G.safetensors'), weights, metadata);
    await readSafetensorsInto(join(path, 'D.safetensors'), weights, metadata);
    return { weights, metadata, checkpoint: null, encoder: await loadModelEncoder(path) };
  }
  const ck = await loadCheckpoint(path);
  return { weights: ck.weights, metadata: {}, checkpoint: ck.state };
}
