import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { grad } from './autodiff';
import { Graph, GraphError } from './graph';
import * as o from './ops';
import { Runtime, planProviders } from './runtime';
import { serialize } from './serialize';
import { VJP_RULES } from './vjp';
import type { VjpRule } from './vjp';

describe('bad graphs fail at build time with the op and the shapes', () => {
  const g = new Graph();
  const x = g.input('x', [2, 3, 8, 8]);
  it('conv channel mismatch', () => {
    const w = g.param('w_bad', [4, 5, 3, 3]);
    expect(() => o.conv(x, w)).toThrow(GraphError);
    expect(() => o.conv(x, w)).toThrow(/Conv: input channels 3 != weight in-channels 5.*\[2,3,8,8\], \[4,5,3,3\]/);
  });
  it('broadcast mismatch', () => {
    const y = g.input('y', [2, 4, 8, 8]);
    expect(() => o.add(x, y)).toThrow(/Add: shapes are not broadcastable at axis 1 \(3 vs 4\) \(input shapes \[2,3,8,8\], \[2,4,8,8\]\)/);
  });
  it('matmul inner dims', () => {
    const a = g.input('a', [3, 4]);
    const b = g.input('b', [5, 6]);
    expect(() => o.matmul(a, b)).toThrow(/MatMul: inner dimensions differ \(4 vs 5\)/);
  });
  it('kernel larger than input', () => {
    const w = g.param('w_big', [1, 3, 11, 11]);
    expect(() => o.conv(x, w)).toThrow(/Conv: kernel 11x11 does not fit/);
  });
  it('reshape size', () => {
    expect(() => o.reshape(x, [5, -1, 7])).toThrow(/Reshape: cannot reshape 384 elements/);
    expect(() => o.reshape(x, [5, 7])).toThrow(/Reshape: cannot reshape 384 elements to \[5,7\]/);
  });
  it('unknown op', () => {
    expect(() => o.op('FancyAttention', [x])).toThrow(/unknown op 'FancyAttention' \(input shapes \[2,3,8,8\]\)/);
  });
  it('missing gradient rule names the op and shapes', () => {
    const h = new Graph();
    const a = h.input('a', [2, 3]);
    const y = o.reduceSum(o.exp(a));
    const saved = VJP_RULES.Exp;
    const rules = VJP_RULES as Record<string, VjpRule | undefined>;
    delete rules.Exp;
    try {
      expect(() => grad(y, [a])).toThrow(/no gradient rule for op 'Exp' \(node \d+, input shapes \[2,3\]\)/);
    } finally {
      rules.Exp = saved;
    }
  });
  it('non-scalar loss without a seed', () => {
    expect(() => grad(o.relu(x), [x])).toThrow(/pass a seed/);
  });
  it('slice with step > 1 has no gradient rule', () => {
    const h = new Graph();
    const a = h.input('a', [6]);
    expect(() => grad(o.reduceSum(o.slice(a, [0], [6], [0], [2])), [a])).toThrow(/no gradient rule for Slice with steps/);
  });
});

describe('autodiff structure', () => {
  it('returns zeros for tensors the loss does not depend on, and accumulates fan-out', async () => {
    const g = new Graph();
    const a = g.input('a', [3]);
    const b = g.input('b', [2]);
    const loss = o.reduceSum(o.add(o.mul(a, 3), o.mul(a, a))); // d/da = 3 + 2a
    const [da, db] = grad(loss, [a, b]);
    g.output('da', da);
    g.output('db', db);
    const rt = new Runtime({ provider: 'cpu', threads: 1 });
    const out = await (await rt.compile(serialize(g, { keepAllInputs: true }))).run({ a: Float32Array.from([1, 2, -1]), b: new Float32Array(2) });
    expect([...out.da]).toEqual([5, 7, 1]);
    expect([...out.db]).toEqual([0, 0]);
  });
});

describe('serialisation and runtime', () => {
  function tiny(): Graph {
    const g = new Graph('tiny');
    const x = g.input('x', [1, 2, 4, 4]);
    const w = g.param('w', [3, 2, 3, 3]);
    const y = o.sigmoid(o.conv(x, w, null, { padding: 1 }));
    g.output('y', y);
    g.output('s', o.reduceMean(y));
    return g;
  }

  it('produces a valid ONNX model (opset 17) that onnxruntime loads directly from bytes', async () => {
    const m = serialize(tiny());
    const s = await ort.InferenceSession.create(m.bytes);
    expect([...s.inputNames].sort()).toEqual(['w', 'x']);
    expect([...s.outputNames].sort()).toEqual(['s', 'y']);
    const r = await s.run({ x: new ort.Tensor('float32', new Float32Array(32).fill(1), [1, 2, 4, 4]), w: new ort.Tensor('float32', new Float32Array(54), [3, 2, 3, 3]) });
    expect([...(r.y.data as Float32Array)].every((v) => v === 0.5)).toBe(true);
    expect(r.y.dims).toEqual([1, 3, 4, 4]);
    await s.release();
  });

  it('content hash is stable and the session cache reuses sessions (new weights, same session)', async () => {
    const a = serialize(tiny()), b = serialize(tiny());
    expect(a.hash).toBe(b.hash);
    const rt = new Runtime({ provider: 'auto', threads: 1 });
    const s1 = await rt.compile(a);
    const s2 = await rt.compile(b);
    expect(s1).toBe(s2);
    expect(rt.cacheSize).toBe(1);
    expect(rt.diagnostic).toMatch(/^onnxruntime .*: provider=cpu \(auto: .*\), threads=1$/);
    const x = new Float32Array(32).fill(1);
    const r0 = await s1.run({ x, w: new Float32Array(54) });
    const r1 = await s1.run({ x, w: new Float32Array(54).fill(0.1) });
    expect(r0.s[0]).toBeCloseTo(0.5, 6);
    expect(r1.s[0]).toBeGreaterThan(0.5);
    await expect(s1.run({ x })).rejects.toThrow(/missing input 'w'/);
    await rt.release();
  });

  it('provider plan: explicit unavailable providers fall back to CPU with a reason', () => {
    expect(planProviders('cpu').order).toEqual(['cpu']);
    const dml = planProviders('dml', 'linux');
    expect(dml.order).toEqual(['cpu']);
    expect(dml.why).toMatch(/dml requested but not available on linux/);
    expect(planProviders('coreml', 'darwin').order).toEqual(['coreml', 'cpu']);
    expect(planProviders('auto', 'win32').order).toEqual(['dml', 'cpu']);
  });

  it('webgpu request either runs or falls back to cpu, and says which', async () => {
    const rt = new Runtime({ provider: 'webgpu', threads: 1 });
    const s = await rt.compile(serialize(tiny()));
    expect(['webgpu', 'cpu']).toContain(s.provider);
    expect(rt.diagnostic).toContain(`provider=${s.provider}`);
    await rt.release();
  });
});

describe('ConvTranspose lowering', () => {
  it('polyphase and batch-GEMM + col2im lowerings equal native ConvTranspose for k4 s2 p1, with bias', async () => {
    const g = new Graph('ct');
    const x = g.input('x', [2, 5, 3, 4]);
    const w = g.param('w', [5, 6, 4, 4]);
    const b = g.param('b', [6]);
    g.output('y', o.convTranspose(x, w, b, { stride: 2, padding: 1 }));
    const { Rng } = await import('../random');
    const rng = new Rng(2);
    const feeds = { x: rng.normals(120), w: rng.normals(480), b: rng.normals(6) };
    const rt = new Runtime({ provider: 'cpu', threads: 1 });
    const native = serialize(g, { convTranspose: 'native' });
    const c = (await (await rt.compile(native)).run(feeds)).y;
    for (const mode of ['polyphase', 'matmul'] as const) {
      const m = serialize(g, { convTranspose: mode });
      expect(m.hash).not.toBe(native.hash);
      const a = (await (await rt.compile(m)).run(feeds)).y;
      expect(a.length).toBe(2 * 6 * 6 * 8);
      let maxDiff = 0;
      a.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - c[i]))));
      expect(maxDiff, mode).toBeLessThan(1e-5);
    }
    await rt.release();
  });
});

describe('explicit cuda request on a machine without the CUDA provider', () => {
  it('falls back to cpu and says why', async () => {
    const g = new Graph('cuda_probe');
    const x = g.input('x', [2]);
    g.output('y', o.relu(x));
    const lines: string[] = [];
    const rt = new Runtime({ provider: 'cuda', threads: 1, log: (l) => lines.push(l) });
    const s = await rt.compile(serialize(g));
    const r = await s.run({ x: Float32Array.from([-1, 2]) });
    expect([...r.y]).toEqual([0, 2]);
    expect(lines).toHaveLength(1);
    if (s.provider === 'cpu') expect(lines[0]).toMatch(/provider=cpu \(.*(cuda failed|not available)/);
    await rt.release();
  });
});
