/**
 * Reads what an ONNX file declares — its graph inputs and outputs with element types and shapes,
 * opsets, producer — straight from the protobuf (field numbers from the public onnx.proto), without
 * creating a session. Used to check a user's model against the I/O convention it is imported with,
 * and to tell a file that is not ONNX from one that was cut off.
 */
import { CodedError } from '../../shared/errors';
import { ProtoReadError, ProtoReader, protoString, type ProtoField } from './proto';

/** A declared dimension: a size, a symbolic name (dynamic axis, e.g. 'batch'), or null (unknown). */
export type DeclaredDim = number | string | null;

export interface DeclaredTensor {
  name: string;
  /** 'float32', 'uint8', … ('unknown' when the file gives no tensor type) */
  dtype: string;
  /** null: the file declares no shape at all (any rank) */
  dims: DeclaredDim[] | null;
}

export interface DeclaredModel {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  /** Graph inputs that are fed at run time (initializers listed as inputs by old exporters are left out). */
  inputs: DeclaredTensor[];
  outputs: DeclaredTensor[];
  /** Initializers whose data lives in a separate file (external data), which a single-file import lacks. */
  externalTensors: number;
}

export type OnnxFileErrorCode = 'NOT_ONNX' | 'TRUNCATED';

export class OnnxFileError extends CodedError<OnnxFileErrorCode> {
  override readonly name = 'OnnxFileError';
}

// TensorProto.DataType → the names Renovo (and onnxruntime-node's Tensor types) use.
const ELEM_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

const sub = (f: ProtoField): ProtoReader => new ProtoReader(f.bytes);

/** Dimension { 1: dim_value, 2: dim_param }. */
function readDim(f: ProtoField): DeclaredDim {
  let d: DeclaredDim = null;
  for (const x of sub(f).fields()) {
    if (x.field === 1 && x.wire === 0) d = Number(BigInt.asIntN(64, x.varint));
    else if (x.field === 2 && x.wire === 2) d = protoString(x) || null;
  }
  return d;
}

/** ValueInfoProto { 1: name, 2: TypeProto { 1: tensor_type { 1: elem_type, 2: shape { 1: dim* } } } }. */
function readValueInfo(f: ProtoField): DeclaredTensor {
  const t: DeclaredTensor = { name: '', dtype: 'unknown', dims: null };
  for (const x of sub(f).fields()) {
    if (x.field === 1 && x.wire === 2) t.name = protoString(x);
    if (x.field !== 2 || x.wire !== 2) continue;
    for (const tp of sub(x).fields()) {
      if (tp.field !== 1 || tp.wire !== 2) { if (tp.wire === 2) t.dtype = 'not a tensor'; continue; }
      for (const tt of sub(tp).fields()) {
        if (tt.field === 1 && tt.wire === 0) t.dtype = ELEM_NAMES[Number(tt.varint)] ?? `type ${tt.varint}`;
        if (tt.field === 2 && tt.wire === 2) {
          t.dims = [];
          for (const dim of sub(tt).fields()) if (dim.field === 1 && dim.wire === 2) t.dims.push(readDim(dim));
        }
      }
    }
  }
  return t;
}

/** TensorProto: its name (8) and whether its data is external (data_location 14 = 1). */
function readInitializer(f: ProtoField): { name: string; external: boolean } {
  let name = '', external = false;
  for (const x of sub(f).fields()) {
    if (x.field === 8 && x.wire === 2) name = protoString(x);
    if (x.field === 14 && x.wire === 0 && x.varint === 1n) external = true;
  }
  return { name, external };
}

function readGraph(f: ProtoField, m: DeclaredModel): void {
  const inputs: DeclaredTensor[] = [];
  const initialized = new Set<string>();
  for (const x of sub(f).fields()) {
    if (x.wire !== 2) continue;
    if (x.field === 11) inputs.push(readValueInfo(x));
    else if (x.field === 12) m.outputs.push(readValueInfo(x));
    else if (x.field === 5) {
      const init = readInitializer(x);
      initialized.add(init.name);
      if (init.external) m.externalTensors++;
    }
  }
  m.inputs = inputs.filter((i) => !initialized.has(i.name));
}

/**
 * The declared interface of an ONNX model. Throws OnnxFileError NOT_ONNX when the bytes are not a
 * ModelProto with a graph, TRUNCATED when a well-started model runs past the end of the file.
 */
export function inspectOnnx(bytes: Uint8Array, name: string): DeclaredModel {
  const m: DeclaredModel = { irVersion: 0, producer: '', opsets: [], inputs: [], outputs: [], externalTensors: 0 };
  let sawGraph = false;
  try {
    for (const x of new ProtoReader(bytes).fields()) {
      if (x.field === 1 && x.wire === 0) m.irVersion = Number(x.varint);
      else if (x.field === 2 && x.wire === 2) m.producer = protoString(x);
      else if (x.field === 7 && x.wire === 2) { readGraph(x, m); sawGraph = true; }
      else if (x.field === 8 && x.wire === 2) {
        const o = { domain: '', version: 0 };
        for (const y of sub(x).fields()) {
          if (y.field === 1 && y.wire === 2) o.domain = protoString(y);
          if (y.field === 2 && y.wire === 0) o.version = Number(y.varint);
        }
        m.opsets.push(o);
      } else if (m.irVersion === 0) {
        // a ModelProto starts with ir_version (every exporter writes it first)
        throw new ProtoReadError(false, `starts with field ${x.field} (wire type ${x.wire}), not ir_version`);
      }
    }
  } catch (e) {
    if (!(e instanceof ProtoReadError)) throw e;
    if (e.truncated && m.irVersion > 0) throw new OnnxFileError('TRUNCATED', `${name}: the ONNX file is cut off (${e.message}); download or copy it again`);
    throw new OnnxFileError('NOT_ONNX', `${name}: not an ONNX model (${e.message})`);
  }
  if (m.irVersion < 1 || m.irVersion > 100) throw new OnnxFileError('NOT_ONNX', `${name}: not an ONNX model (no valid ir_version)`);
  if (!sawGraph) throw new OnnxFileError(bytes.length < 64 ? 'TRUNCATED' : 'NOT_ONNX', `${name}: the ONNX file holds no graph`);
  return m;
}

/** `[1,3,'height','width'] float32` — how errors and `models show` print a declared tensor. */
export function formatDeclared(t: DeclaredTensor): string {
  const dims = t.dims === null ? '[?]' : `[${t.dims.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
  return `${t.name} ${dims} ${t.dtype}`;
}
