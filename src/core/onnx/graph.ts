/**
 * Static graph IR: tensors with build-time shapes, nodes with logical parameters.
 * Shapes are fully static (NCHW, float32 by default). Ops are added through `ops.ts`,
 * which runs shape inference (`shape.ts`) so that a bad graph fails while it is built.
 */
export type DType = 'float32' | 'int64' | 'bool' | 'uint8';
export type Shape = readonly number[];

/** Logical op parameters (lowered to ONNX attributes or constant inputs by `serialize.ts`). */
export type ParamValue = number | string | boolean | readonly number[];
export type Params = Readonly<Record<string, ParamValue>>;

export type TensorKind = 'input' | 'param' | 'const' | 'node';

export interface ConstData {
  readonly dtype: DType;
  readonly data: Float32Array | BigInt64Array | Uint8Array;
}

export class Tensor {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly name: string,
    readonly shape: Shape,
    readonly dtype: DType,
    readonly kind: TensorKind,
    /** Producing node (kind 'node') */
    readonly producer: Node | null,
    /** Data (kind 'const') */
    readonly constData: ConstData | null,
  ) {}

  get size(): number {
    return sizeOf(this.shape);
  }

  toString(): string {
    return `${this.name}[${this.shape.join('x')}]`;
  }
}

export interface Node {
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly params: Params;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export class GraphError extends Error {
  override name = 'GraphError';
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly tensors: Tensor[] = [];
  private readonly names = new Set<string>();
  private readonly outputMap = new Map<string, Tensor>();
  private readonly constCache = new Map<string, Tensor>();
  private nextId = 0;

  constructor(readonly name = 'renovo') {}

  private fresh(base: string): string {
    let name = base;
    let i = 1;
    while (this.names.has(name)) name = `${base}_${i++}`;
    this.names.add(name);
    return name;
  }

  private checkShape(name: string, shape: Shape): void {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new GraphError(`tensor '${name}': bad shape ${fmtShape(shape)} (dims must be non-negative integers)`);
    }
  }

  private declare(name: string, shape: Shape, kind: 'input' | 'param', dtype: DType = 'float32'): Tensor {
    if (this.names.has(name)) throw new GraphError(`duplicate tensor name '${name}'`);
    this.checkShape(name, shape);
    this.names.add(name);
    const t = new Tensor(this, this.nextId++, name, [...shape], dtype, kind, null, null);
    this.tensors.push(t);
    return t;
  }

  /** A graph input fed at run time (images, z, masks, ...); float32 unless `dtype` says otherwise (uint8 images: cast them first). */
  input(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
    return this.declare(name, shape, 'input', dtype);
  }

  /** A trainable weight. Also a graph input, so optimiser steps never rebuild a session. */
  param(name: string, shape: Shape): Tensor {
    return this.declare(name, shape, 'param');
  }

  get inputs(): Tensor[] {
    return this.tensors.filter((t) => t.kind === 'input');
  }

  get params(): Tensor[] {
    return this.tensors.filter((t) => t.kind === 'param');
  }

  /** A constant baked into the model (deduplicated by content). */
  constant(values: ArrayLike<number> | number, shape: Shape = [], dtype: DType = 'float32'): Tensor {
    const arr = typeof values === 'number' ? [values] : Array.from(values);
    if (arr.length !== sizeOf(shape)) throw new GraphError(`constant: ${arr.length} values do not fill shape ${fmtShape(shape)}`);
    const key = `${dtype}|${shape.join(',')}|${arr.length <= 64 ? arr.join(',') : Math.random()}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    let data: ConstData['data'];
    if (dtype === 'float32') data = Float32Array.from(arr);
    else if (dtype === 'int64') data = BigInt64Array.from(arr.map((v) => BigInt(Math.trunc(v))));
    else data = Uint8Array.from(arr.map((v) => (v ? 1 : 0)));
    const t = new Tensor(this, this.nextId++, this.fresh('const'), [...shape], dtype, 'const', null, { dtype, data });
    this.tensors.push(t);
    if (arr.length <= 64) this.constCache.set(key, t);
    return t;
  }

  /** Low-level: append a node whose output shapes were already inferred. Use `ops.ts`. */
  addNode(op: string, inputs: readonly Tensor[], params: Params, outs: readonly { shape: Shape; dtype: DType }[]): Node {
    for (const t of inputs) {
      if (t.graph !== this) throw new GraphError(`${op}: input ${t.name} belongs to another graph`);
    }
    const outputs: Tensor[] = [];
    const node: Node = { id: this.nodes.length, op, inputs: [...inputs], outputs, params };
    for (const o of outs) {
      const t = new Tensor(this, this.nextId++, this.fresh(`${op.toLowerCase()}${node.id}`), [...o.shape], o.dtype, 'node', node, null);
      outputs.push(t);
      this.tensors.push(t);
    }
    this.nodes.push(node);
    return node;
  }

  /** Mark a tensor as a named graph output. */
  output(name: string, t: Tensor): void {
    if (t.graph !== this) throw new GraphError(`output '${name}': tensor belongs to another graph`);
    if (this.outputMap.has(name)) throw new GraphError(`duplicate output name '${name}'`);
    if (this.names.has(name) && t.name !== name) throw new GraphError(`output name '${name}' collides with a tensor name`);
    this.outputMap.set(name, t);
  }

  get outputs(): ReadonlyMap<string, Tensor> {
    return this.outputMap;
  }

  tensorByName(name: string): Tensor | undefined {
    return this.tensors.find((t) => t.name === name);
  }
}
