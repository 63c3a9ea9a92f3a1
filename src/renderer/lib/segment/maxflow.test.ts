import { describe, expect, it } from 'vitest';
import { MaxFlowGraph } from './maxflow';

/** Edmonds–Karp on a dense matrix: node 0 = source, n+1 = sink. The reference. */
function referenceMaxflow(n: number, cap: number[][]): number {
  const N = n + 2;
  const r = cap.map((row) => row.slice());
  let flow = 0;
  for (;;) {
    const prev = new Array<number>(N).fill(-1);
    prev[0] = 0;
    const q = [0];
    while (q.length && prev[N - 1] < 0) {
      const u = q.shift()!;
      for (let v = 0; v < N; v++) if (prev[v] < 0 && r[u]![v]! > 1e-12) { prev[v] = u; q.push(v); }
    }
    if (prev[N - 1] < 0) return flow;
    let b = Infinity;
    for (let v = N - 1; v !== 0; v = prev[v]!) b = Math.min(b, r[prev[v]!]![v]!);
    for (let v = N - 1; v !== 0; v = prev[v]!) { r[prev[v]!]![v]! -= b; r[v]![prev[v]!]! += b; }
    flow += b;
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('MaxFlowGraph (Boykov–Kolmogorov)', () => {
  it('matches Edmonds–Karp on random graphs, and its cut costs exactly the flow', () => {
    for (let trial = 0; trial < 200; trial++) {
      const rand = rng(trial + 1);
      const n = 2 + Math.floor(rand() * 12);
      const N = n + 2;
      const cap = Array.from({ length: N }, () => new Array<number>(N).fill(0));
      const g = new MaxFlowGraph(n, n * n);
      const edges: [number, number, number, number][] = [];
      for (let i = 0; i < n; i++) {
        const s = rand() < 0.5 ? Math.round(rand() * 10) : 0;
        const t = rand() < 0.5 ? Math.round(rand() * 10) : 0;
        g.addTerminalWeights(i, s, t);
        cap[0]![i + 1]! += s;
        cap[i + 1]![N - 1]! += t;
        for (let j = i + 1; j < n; j++) {
          if (rand() < 0.4) {
            const c = Math.round(rand() * 8), rc = Math.round(rand() * 8);
            g.addEdge(i, j, c, rc);
            cap[i + 1]![j + 1]! += c;
            cap[j + 1]![i + 1]! += rc;
            edges.push([i, j, c, rc]);
          }
        }
      }
      const expected = referenceMaxflow(n, cap);
      const flow = g.maxflow();
      expect(flow, `trial ${trial}`).toBeCloseTo(expected, 9);
      // Cost of the cut the solver reports.
      let cut = 0;
      for (let i = 0; i < n; i++) {
        const src = g.inSourceSet(i);
        if (src) cut += cap[i + 1]![N - 1]!;
        else cut += cap[0]![i + 1]!;
      }
      for (const [i, j, c, rc] of edges) {
        if (g.inSourceSet(i) && !g.inSourceSet(j)) cut += c;
        if (g.inSourceSet(j) && !g.inSourceSet(i)) cut += rc;
      }
      expect(cut, `trial ${trial}`).toBeCloseTo(expected, 9);
    }
  });

  it('cuts a grid between two seeds along the weakest column', () => {
    const w = 10, h = 6;
    const g = new MaxFlowGraph(w * h, 2 * w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (x + 1 < w) g.addEdge(i, i + 1, x === 6 ? 1 : 10, x === 6 ? 1 : 10);
        if (y + 1 < h) g.addEdge(i, i + w, 10, 10);
      }
      g.addTerminalWeights(y * w, 1000, 0);
      g.addTerminalWeights(y * w + w - 1, 0, 1000);
    }
    expect(g.maxflow()).toBe(h);
    for (let x = 0; x < w; x++) expect(g.inSourceSet(2 * w + x)).toBe(x <= 6);
  });
});
