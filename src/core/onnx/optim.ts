/**
 * Optimisers over named parameter sets, in TypeScript on Float32Arrays (in place).
 * Measured in BENCHMARKS.md: an Adam step over the 3.6 M DCGAN G+D parameters costs a few ms,
 * small next to the gradient graph, so a graph-side optimiser is not worth its complexity.
 */
export type ParamSet = Map<string, Float32Array>;
export type GradSet = ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>;

function gradOf(grads: GradSet, name: string, n: number): Float32Array {
  const g = grads instanceof Map ? grads.get(name) : (grads as Readonly<Record<string, Float32Array>>)[name];
  if (!g) throw new Error(`optimiser: no gradient for parameter '${name}'`);
  if (g.length !== n) throw new Error(`optimiser: gradient for '${name}' has ${g.length} values, parameter has ${n}`);
  return g;
}

export interface Optimizer {
  readonly params: ParamSet;
  lr: number;
  step(grads: GradSet): void;
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L2 penalty added to the gradient (Adam) or decoupled decay (AdamW). */
  weightDecay?: number;
  /** AdamW: decoupled weight decay (Loshchilov & Hutter). */
  decoupled?: boolean;
}

export interface AdamState {
  t: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

/** Adam / AdamW (PyTorch semantics: eps added after the bias-corrected sqrt). */
export class Adam implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  state: AdamState;

  constructor(readonly params: ParamSet, o: AdamOptions = {}) {
    this.lr = o.lr ?? 1e-3;
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? 0;
    this.decoupled = o.decoupled ?? false;
    this.state = { t: 0, m: new Map(), v: new Map() };
    for (const [k, p] of params) {
      this.state.m.set(k, new Float32Array(p.length));
      this.state.v.set(k, new Float32Array(p.length));
    }
  }

  step(grads: GradSet): void {
    const t = ++this.state.t;
    const { beta1: b1, beta2: b2, eps, lr, weightDecay: wd } = this;
    const c1 = 1 - b1 ** t;
    const c2s = Math.sqrt(1 - b2 ** t);
    const stepSize = lr / c1;
    for (const [k, p] of this.params) {
      const g = gradOf(grads, k, p.length);
      const m = this.state.m.get(k) as Float32Array;
      const v = this.state.v.get(k) as Float32Array;
      const decay = this.decoupled ? 1 - lr * wd : 1;
      const l2 = this.decoupled ? 0 : wd;
      for (let i = 0; i < p.length; i++) {
        const gi = l2 ? g[i] + l2 * p[i] : g[i];
        const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
        const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
        p[i] = p[i] * decay - (stepSize * mi) / (Math.sqrt(vi) / c2s + eps);
      }
    }
  }
}

export const AdamW = (params: ParamSet, o: AdamOptions = {}): Adam => new Adam(params, { weightDecay: 1e-2, ...o, decoupled: true });

export interface SgdOptions {
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** SGD with optional (Nesterov) momentum and L2 weight decay (PyTorch semantics). */
export class SGD implements Optimizer {
  lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly buf = new Map<string, Float32Array>();
  private started = false;

  constructor(readonly params: ParamSet, o: SgdOptions = {}) {
    this.lr = o.lr ?? 1e-2;
    this.momentum = o.momentum ?? 0;
    this.nesterov = o.nesterov ?? false;
    this.weightDecay = o.weightDecay ?? 0;
    for (const [k, p] of params) this.buf.set(k, new Float32Array(p.length));
  }

  step(grads: GradSet): void {
    const { lr, momentum: mu, weightDecay: wd, nesterov } = this;
    for (const [k, p] of this.params) {
      const g = gradOf(grads, k, p.length);
      const b = this.buf.get(k) as Float32Array;
      for (let i = 0; i < p.length; i++) {
        let d = wd ? g[i] + wd * p[i] : g[i];
        if (mu) {
          b[i] = this.started ? mu * b[i] + d : d;
          d = nesterov ? d + mu * b[i] : b[i];
        }
        p[i] -= lr * d;
      }
    }
    this.started = true;
  }
}
