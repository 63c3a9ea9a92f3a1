/**
 * DCGAN model files: one safetensors file holding G (`G.*`) and D (`D.*`) parameters and BN running
 * statistics, with the architecture in the metadata (`renovo.spec` = DcganSpec JSON). This is
 * what a model version's `file` points at in the library.
 */
import { decodeSafetensors, encodeSafetensors, type NamedTensor, type StorageDType } from '../onnx/safetensors';
import { dcganSpec, type DcganSpec } from '../nets/dcgan';
import { inferenceNets } from './gan';

const MODEL_FORMAT = 'renovo-dcgan/1';
/** Extension of model files in the library (its areas allow at most 8 characters; the content is safetensors). */
export const MODEL_FILE_EXT = 'sft';

/** Tensors with their real shapes (from the architecture), optionally filtered by prefix ('G.' / 'D.'). */
function shapedTensors(spec: DcganSpec, weights: ReadonlyMap<string, Float32Array>, prefix = ''): Map<string, NamedTensor> {
  const { G, D } = inferenceNets(spec, 1);
  const out = new Map<string, NamedTensor>();
  for (const [name, t] of [...G.params, ...G.stats, ...D.params, ...D.stats]) {
    if (!name.startsWith(prefix)) continue;
    const data = weights.get(name);
    if (!data) throw new Error(`model file: no weights for '${name}'`);
    if (data.length !== t.size) throw new Error(`model file: '${name}' has ${data.length} values, needs ${t.size}`);
    out.set(name, { shape: [...t.shape], data });
  }
  return out;
}

export function encodeModelFile(spec: DcganSpec, weights: ReadonlyMap<string, Float32Array>, opts: { dtype?: StorageDType; prefix?: string; metadata?: Record<string, string> } = {}): Uint8Array {
  return encodeSafetensors(shapedTensors(spec, weights, opts.prefix ?? ''), {
    dtype: opts.dtype ?? 'F32',
    metadata: { format: MODEL_FORMAT, 'renovo.spec': JSON.stringify(spec), ...opts.metadata },
  });
}

export interface DecodedModelFile {
  spec: DcganSpec;
  weights: Map<string, Float32Array>;
  metadata: Record<string, string>;
}

export function decodeModelFile(bytes: Uint8Array, what = 'model file'): DecodedModelFile {
  const d = decodeSafetensors(bytes);
  const raw = d.metadata['renovo.spec'];
  if (!raw) throw new Error(`${what}: not a Renovo DCGAN model (no renovo.spec metadata)`);
  const spec = dcganSpec(JSON.parse(raw) as DcganSpec);
  return { spec, weights: new Map([...d.tensors].map(([k, e]) => [k, e.data])), metadata: d.metadata };
}
