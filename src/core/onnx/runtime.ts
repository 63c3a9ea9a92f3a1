/**
 * onnxruntime-node sessions: a cache keyed by model content hash, execution-provider selection
 * with CPU fallback and a one-line diagnostic, configurable thread count. Weights are ordinary
 * inputs, so feeding new weights after an optimiser step reuses the same session.
 */
import * as ort from 'onnxruntime-node';
import { nativeCall } from '../platform/native-calls';
import type { SerializedModel } from './serialize';

export type ProviderChoice = 'auto' | 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml';

export interface RuntimeOptions {
  provider?: ProviderChoice;
  /** Intra-op threads (default: onnxruntime's own default). */
  threads?: number;
  /**
   * Let idle intra-op threads spin (onnxruntime's default: true). Spinning lowers latency on an
   * idle machine but burns the cores other work needs; false suits busy or shared machines.
   */
  spin?: boolean;
  /** Receives the one-line provider diagnostic (default: none). */
  log?: (line: string) => void;
}

export type Feeds = Record<string, Float32Array>;
export type Outputs = Record<string, Float32Array>;

interface ProviderPlan {
  order: string[];
  why: string;
}

/** Which providers are usable on this platform/build, and the order to try them in. */
export function planProviders(choice: ProviderChoice, platform: string = process.platform): ProviderPlan {
  const backends = new Map(ort.listSupportedBackends().map((b) => [b.name, b.bundled]));
  const platformOk: Record<string, boolean> = {
    cpu: true,
    cuda: backends.has('cuda') && (platform === 'linux' || platform === 'win32'),
    webgpu: backends.has('webgpu'),
    dml: platform === 'win32',
    coreml: platform === 'darwin',
  };
  if (choice === 'cpu') return { order: ['cpu'], why: 'requested' };
  if (choice !== 'auto') {
    if (!platformOk[choice]) return { order: ['cpu'], why: `${choice} requested but not available on ${platform} (backends: ${[...backends.keys()].join(',')}); fell back` };
    return { order: [choice, 'cpu'], why: 'requested' };
  }
  // auto: a GPU provider only where it is the platform's native, supported path.
  if (platform === 'win32') return { order: ['dml', 'cpu'], why: 'auto: DirectML on Windows' };
  if (platform === 'darwin') return { order: ['coreml', 'cpu'], why: 'auto: CoreML on macOS' };
  if (backends.get('cuda') === true) return { order: ['cuda', 'cpu'], why: 'auto: CUDA provider bundled' };
  return { order: ['cpu'], why: `auto: no GPU provider installed (backends: ${[...backends.keys()].map((k) => `${k}${backends.get(k) ? '' : '(not installed)'}`).join(',')})` };
}

export class CompiledGraph {
  constructor(
    readonly session: ort.InferenceSession,
    readonly model: SerializedModel,
    readonly provider: string,
  ) {}

  /** Run with onnxruntime tensors as they are (a model not built by Renovo, e.g. an imported inpainter). */
  runTensors(feeds: Record<string, ort.Tensor>, outputNames: string[]): Promise<ort.InferenceSession.OnnxValueMapType> {
    return nativeCall(() => this.session.run(feeds, outputNames));
  }

  /** Run with float32 feeds; shapes come from the graph. Extra feeds are ignored. */
  async run(feeds: Feeds, outputNames?: readonly string[]): Promise<Outputs> {
    const f: Record<string, ort.Tensor> = {};
    for (const i of this.model.inputs) {
      const data = feeds[i.name];
      if (!data) throw new Error(`run: missing input '${i.name}' (shape [${i.shape.join(',')}])`);
      const n = i.shape.reduce((a, b) => a * b, 1);
      if (data.length !== n) throw new Error(`run: input '${i.name}' has ${data.length} values, shape [${i.shape.join(',')}] needs ${n}`);
      f[i.name] = new ort.Tensor('float32', data, i.shape);
    }
    const names = outputNames ? [...outputNames] : this.model.outputs.map((o) => o.name);
    const res = await this.runTensors(f, names);
    const out: Outputs = {};
    for (const name of names) {
      const t = res[name];
      out[name] = t.type === 'float32' ? (t.data as Float32Array) : Float32Array.from(t.data as ArrayLike<number>, Number);
    }
    return out;
  }
}

export class Runtime {
  private readonly cache = new Map<string, Promise<CompiledGraph>>();
  /** The last provider diagnostic line. */
  diagnostic = '';

  constructor(readonly options: RuntimeOptions = {}) {}

  /** A session for this model, created once per content hash. */
  compile(model: SerializedModel): Promise<CompiledGraph> {
    const hit = this.cache.get(model.hash);
    if (hit) return hit;
    const p = this.create(model);
    this.cache.set(model.hash, p);
    p.catch(() => this.cache.delete(model.hash));
    return p;
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  async release(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    for (const p of all) {
      const { session } = await p;
      await nativeCall(() => session.release());
    }
  }

  private async create(model: SerializedModel): Promise<CompiledGraph> {
    const plan = planProviders(this.options.provider ?? 'auto');
    const errors: string[] = [];
    for (const ep of plan.order) {
      try {
        const opts: ort.InferenceSession.SessionOptions = {
          executionProviders: [ep],
          graphOptimizationLevel: 'all',
        };
        if (this.options.threads) {
          opts.intraOpNumThreads = this.options.threads;
          opts.interOpNumThreads = 1;
        }
        if (this.options.spin === false) opts.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
        const session = await nativeCall(() => ort.InferenceSession.create(model.bytes, opts));
        const why = errors.length ? `${plan.why}; ${errors.join('; ')}` : plan.why;
        this.diagnostic = `onnxruntime ${ort.env.versions.common}: provider=${ep} (${why}), threads=${this.options.threads ?? 'default'}${this.options.spin === false ? ', no spinning' : ''}`;
        this.options.log?.(this.diagnostic);
        return new CompiledGraph(session, model, ep);
      } catch (e) {
        errors.push(`${ep} failed: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    throw new Error(`could not create an onnxruntime session: ${errors.join('; ')}`);
  }
}
