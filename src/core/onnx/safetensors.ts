/**
 * safetensors read/write (format: u64 little-endian header length, JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, padded with
 * spaces to 8 bytes, then the contiguous little-endian tensor bytes). Readable by Python's
 * `safetensors` / numpy. Float32 tensors can be stored as F16 (`dtype: 'F16'`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { f16ToF32, f32ToF16 } from './fp16';

export type StorageDType = 'F32' | 'F16';

export interface NamedTensor {
  shape: readonly number[];
  data: Float32Array;
}

export interface SafetensorsEntry {
  dtype: StorageDType;
  shape: number[];
  /** Values as float32 (F16 entries are widened). */
  data: Float32Array;
  /** The stored bytes, exactly as in the file. */
  raw: Uint8Array;
}

export interface EncodeOptions {
  dtype?: StorageDType;
  metadata?: Record<string, string>;
}

const isLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(a: Float32Array | Uint16Array): Uint8Array {
  if (!isLE) throw new Error('safetensors: big-endian hosts are not supported');
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function encodeSafetensors(tensors: ReadonlyMap<string, NamedTensor> | Record<string, NamedTensor>, opts: EncodeOptions = {}): Uint8Array {
  const entries: [string, NamedTensor][] = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, NamedTensor>);
  const dtype = opts.dtype ?? 'F32';
  const header: Record<string, unknown> = {};
  if (opts.metadata) header.__metadata__ = opts.metadata;
  const blobs: Uint8Array[] = [];
  let off = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new Error("safetensors: '__metadata__' is not a valid tensor name");
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`safetensors: tensor '${name}' has ${t.data.length} values but shape [${t.shape.join(',')}]`);
    const blob = bytesOf(dtype === 'F16' ? f32ToF16(t.data) : t.data);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [off, off + blob.length] };
    blobs.push(blob);
    off += blob.length;
  }
  let json = JSON.stringify(header);
  const pad = (8 - (Buffer.byteLength(json) % 8)) % 8;
  json += ' '.repeat(pad);
  const hb = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + hb.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const b of blobs) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) throw new Error('safetensors: file too short');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new Error(`safetensors: header length ${n} exceeds file size ${bytes.length}`);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8')) as Record<string, unknown>;
  const base = 8 + n;
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (e.dtype !== 'F32' && e.dtype !== 'F16') throw new Error(`safetensors: tensor '${name}' has unsupported dtype ${e.dtype}`);
    const [b, en] = e.data_offsets;
    const count = e.shape.reduce((a, c) => a * c, 1);
    const width = e.dtype === 'F32' ? 4 : 2;
    if (en - b !== count * width || base + en > bytes.length) throw new Error(`safetensors: tensor '${name}' has inconsistent offsets [${b}, ${en}] for shape [${e.shape.join(',')}]`);
    const raw = bytes.slice(base + b, base + en);
    const data = e.dtype === 'F32' ? new Float32Array(raw.buffer, raw.byteOffset, count) : f16ToF32(new Uint16Array(raw.buffer, raw.byteOffset, count));
    tensors.set(name, { dtype: e.dtype, shape: e.shape, data, raw });
  }
  return { tensors, metadata };
}

export async function saveSafetensors(path: string, tensors: ReadonlyMap<string, NamedTensor> | Record<string, NamedTensor>, opts: EncodeOptions = {}): Promise<void> {
  await writeFile(path, encodeSafetensors(tensors, opts));
}

export async function loadSafetensors(path: string): Promise<DecodedSafetensors> {
  return decodeSafetensors(new Uint8Array(await readFile(path)));
}
