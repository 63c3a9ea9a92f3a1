import { describe, expect, it } from 'vitest';
import { MaxFlowGraph, alphaExpansion, expansionEnergy, type ExpansionProblem } from './graphcut';
import { mulberry32, type Uniform } from '../random';

// A network kept alongside the graph so the tests can evaluate cuts with the original capacities.
interface Net {
  n: number;
  src: Float64Array;
  snk: Float64Array;
  edges: [number, number, number][]; // directed a→b with capacity
}

function cutCapacity(net: Net, inS: (i: number) => boolean): number {
  let c = 0;
  for (let i = 0; i < net.n; i++) c += inS(i) ? net.snk[i] : net.src[i];
  for (const [a, b, w] of net.edges) if (inS(a) && !inS(b)) c += w;
  return c;
}

function bruteMinCut(net: Net): number {
  let best = Infinity;
  for (let mask = 0; mask < 1 << net.n; mask++) best = Math.min(best, cutCapacity(net, (i) => ((mask >> i) & 1) === 1));
  return best;
}

// a random capacity with a fair share of exact zeros
const cap = (rand: Uniform, scale = 10): number => (rand() < 0.3 ? 0 : rand() * scale);

function randomNet(rand: Uniform): { net: Net; g: MaxFlowGraph } {
  const n = 2 + Math.floor(rand() * 9); // 2..10
  const net: Net = { n, src: new Float64Array(n), snk: new Float64Array(n), edges: [] };
  const g = new MaxFlowGraph(n, 2); // a tiny hint so the arc arrays have to grow
  for (let i = 0; i < n; i++) {
    const s = cap(rand);
    const t = cap(rand);
    net.src[i] += s;
    net.snk[i] += t;
    g.addTerminal(i, s, t);
  }
  const m = Math.floor(rand() * n * 3);
  for (let k = 0; k < m; k++) {
    const a = Math.floor(rand() * n);
    const b = Math.floor(rand() * n);
    if (a === b) continue;
    const ab = cap(rand);
    const ba = rand() < 0.5 ? 0 : cap(rand); // many one-way edges, some asymmetric pairs
    net.edges.push([a, b, ab], [b, a, ba]);
    g.addEdge(a, b, ab, ba);
  }
  return { net, g };
}

describe('MaxFlowGraph', () => {
  it('matches the brute-force minimum cut on random small graphs, and sourceSide gives a minimum cut', () => {
    const rand = mulberry32(20240611);
    for (let trial = 0; trial < 60; trial++) {
      const { net, g } = randomNet(rand);
      const flow = g.maxflow();
      const best = bruteMinCut(net);
      expect(flow).toBeCloseTo(best, 9);
      expect(cutCapacity(net, (i) => g.sourceSide(i))).toBeCloseTo(flow, 9);
    }
  });

  it('solves a classic 4-node network by hand', () => {
    // s→0 (3), s→1 (2), 0→1 (1), 0→2 (3), 1→3 (2), 2→3 (4), 2→t (2), 3→t (3): the cut
    // {s,0,1} | {2,3,t} has 0→2 + 1→3 = 5, and the paths s-0-2-t (2), s-0-2-3-t (1) and s-1-3-t (2)
    // carry 5, so the max flow is 5.
    const g = new MaxFlowGraph(4);
    g.addTerminal(0, 3, 0);
    g.addTerminal(1, 2, 0);
    g.addTerminal(2, 0, 2);
    g.addTerminal(3, 0, 3);
    g.addEdge(0, 1, 1, 0);
    g.addEdge(0, 2, 3, 0);
    g.addEdge(1, 3, 2, 0);
    g.addEdge(2, 3, 4, 0);
    expect(g.maxflow()).toBeCloseTo(5, 12);

    // a bottleneck in the middle: s→0 (10), 0→1 (1), 1→t (10); the cut is the middle edge
    const h = new MaxFlowGraph(2);
    h.addTerminal(0, 10, 0);
    h.addTerminal(1, 0, 10);
    h.addEdge(0, 1, 1, 7);
    expect(h.maxflow()).toBeCloseTo(1, 12);
    expect(h.sourceSide(0)).toBe(true);
    expect(h.sourceSide(1)).toBe(false);
  });

  it('counts both terminal capacities of a node: the common part is flow', () => {
    const g = new MaxFlowGraph(1);
    g.addTerminal(0, 5, 3);
    g.addTerminal(0, 1, 4); // totals s 6, t 7
    expect(g.maxflow()).toBeCloseTo(6, 12);
    expect(g.sourceSide(0)).toBe(false);
  });

  it('cuts a 200×200 grid with a cut whose capacity equals the flow', () => {
    const w = 200;
    const h = 200;
    const n = w * h;
    const rand = mulberry32(5);
    const net: Net = { n, src: new Float64Array(n), snk: new Float64Array(n), edges: [] };
    const g = new MaxFlowGraph(n);
    for (let i = 0; i < n; i++) {
      // a smooth preference field plus noise, like a segmentation unary
      const x = i % w;
      const bias = (x - w / 2) / w;
      const d = bias + (rand() - 0.5);
      if (d > 0) net.src[i] = d * 10;
      else net.snk[i] = -d * 10;
      g.addTerminal(i, net.src[i], net.snk[i]);
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const edge = (j: number): void => {
          const ab = rand() * 3;
          const ba = rand() * 3;
          net.edges.push([i, j, ab], [j, i, ba]);
          g.addEdge(i, j, ab, ba);
        };
        if (x + 1 < w) edge(i + 1);
        if (y + 1 < h) edge(i + w);
      }
    }
    const flow = g.maxflow();
    expect(flow).toBeGreaterThan(0);
    const cut = cutCapacity(net, (i) => g.sourceSide(i));
    expect(Math.abs(cut - flow)).toBeLessThan(1e-6 * flow);
  });

  it('can be reset and solved again', () => {
    const g = new MaxFlowGraph(2);
    g.addTerminal(0, 4, 0);
    g.addTerminal(1, 0, 4);
    g.addEdge(0, 1, 2, 0);
    expect(g.maxflow()).toBeCloseTo(2, 12);
    g.reset();
    g.addTerminal(0, 4, 0);
    g.addTerminal(1, 0, 1);
    g.addEdge(0, 1, 2, 0);
    expect(g.maxflow()).toBeCloseTo(1, 12);
  });

  it('rejects negative, NaN and infinite capacities and nodes out of range', () => {
    const g = new MaxFlowGraph(3);
    expect(() => g.addEdge(0, 1, -1, 0)).toThrow(/edge capacity must be a finite number ≥ 0/);
    expect(() => g.addEdge(0, 1, 1, Number.NaN)).toThrow(/edge capacity/);
    expect(() => g.addTerminal(0, -0.5, 0)).toThrow(/source capacity must be a finite number ≥ 0/);
    expect(() => g.addTerminal(0, 0, Infinity)).toThrow(/sink capacity/);
    expect(() => g.addEdge(0, 3, 1, 1)).toThrow(/out of range/);
    expect(() => g.addTerminal(-1, 1, 1)).toThrow(/out of range/);
  });
});

// ---- α-expansion ----

function grid(w: number, h: number): { edgeA: Int32Array; edgeB: Int32Array } {
  const a: number[] = [];
  const b: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x + 1 < w) a.push(i), b.push(i + 1);
      if (y + 1 < h) a.push(i), b.push(i + w);
    }
  }
  return { edgeA: Int32Array.from(a), edgeB: Int32Array.from(b) };
}

/** All labellings of `nodes` nodes with `labels` labels, by a mixed-radix counter. */
function* allLabellings(nodes: number, labels: number): Generator<Int32Array> {
  const lab = new Int32Array(nodes);
  for (;;) {
    yield lab;
    let i = 0;
    while (i < nodes && ++lab[i] === labels) lab[i++] = 0;
    if (i === nodes) return;
  }
}

function bruteOptimum(p: ExpansionProblem): number {
  let best = Infinity;
  for (const lab of allLabellings(p.nodes, p.labels)) best = Math.min(best, expansionEnergy(p, lab));
  return best;
}

function randomProblem(rand: Uniform, w: number, h: number, labels: number, pair: 'potts' | 'trunc'): ExpansionProblem {
  const nodes = w * h;
  const { edgeA, edgeB } = grid(w, h);
  const unary = new Float64Array(labels * nodes);
  for (let i = 0; i < unary.length; i++) unary[i] = rand() * 4;
  const weight = Float64Array.from(edgeA, () => 0.2 + rand() * 1.5);
  const pairwise =
    pair === 'potts'
      ? (e: number, la: number, lb: number): number => (la === lb ? 0 : weight[e])
      : (e: number, la: number, lb: number): number => weight[e] * Math.min(Math.abs(la - lb), 2);
  const init = Int32Array.from({ length: nodes }, () => Math.floor(rand() * labels));
  return { nodes, labels, unary, edgeA, edgeB, pairwise, init };
}

describe('alphaExpansion', () => {
  it('finds the exact optimum of 2-label Potts problems on a 3×4 grid', () => {
    const rand = mulberry32(77);
    for (let trial = 0; trial < 8; trial++) {
      const p = randomProblem(rand, 3, 4, 2, 'potts');
      const lab = alphaExpansion({ ...p, cycles: 10 });
      expect(expansionEnergy(p, lab)).toBeCloseTo(bruteOptimum(p), 9);
    }
  });

  it('reaches a local minimum within 2× the optimum on 3×3 grids with 3–4 labels', () => {
    const rand = mulberry32(1234);
    for (let trial = 0; trial < 8; trial++) {
      const labels = 3 + (trial % 2);
      const pair = trial % 4 < 2 ? 'potts' : 'trunc';
      const p = randomProblem(rand, 3, 3, labels, pair);
      const init = Int32Array.from(p.init);
      const lab = alphaExpansion({ ...p, cycles: 20 });
      expect(p.init).toEqual(init); // not modified
      const energy = expansionEnergy(p, lab);
      const optimum = bruteOptimum(p);
      expect(energy).toBeLessThanOrEqual(expansionEnergy(p, p.init) + 1e-9);
      expect(energy).toBeGreaterThanOrEqual(optimum - 1e-9);
      if (pair === 'potts') expect(energy).toBeLessThanOrEqual(2 * optimum + 1e-9);
      // no single expansion move improves it: try every subset of nodes switching to each α
      const move = new Int32Array(p.nodes);
      let bestMove = Infinity;
      for (let alpha = 0; alpha < labels; alpha++) {
        for (let mask = 0; mask < 1 << p.nodes; mask++) {
          for (let i = 0; i < p.nodes; i++) move[i] = (mask >> i) & 1 ? alpha : lab[i];
          bestMove = Math.min(bestMove, expansionEnergy(p, move));
        }
      }
      expect(bestMove).toBeGreaterThanOrEqual(energy - 1e-9);
    }
  });

  it('never raises the energy with a non-metric pairwise cost (truncated moves)', () => {
    const rand = mulberry32(99);
    for (let trial = 0; trial < 5; trial++) {
      const p = randomProblem(rand, 4, 4, 4, 'potts');
      // squared differences are not a metric: B + C − A can be negative
      const w = Float64Array.from(p.edgeA, () => rand());
      const q: ExpansionProblem = { ...p, pairwise: (e, la, lb) => w[e] * (la - lb) * (la - lb) };
      const lab = alphaExpansion(q);
      expect(expansionEnergy(q, lab)).toBeLessThanOrEqual(expansionEnergy(q, q.init) + 1e-12);
    }
  });

  it('restores a noisy two-region label image', () => {
    const w = 24;
    const h = 20;
    const nodes = w * h;
    const rand = mulberry32(3);
    // left part label 0, right part label 1, with a diagonal boundary
    const truth = Int32Array.from({ length: nodes }, (_, i) => (i % w > 8 + Math.floor(i / w) / 2 ? 1 : 0));
    const noisy = Int32Array.from(truth, (l) => (rand() < 0.12 ? 1 - l : l));
    let flipped = 0;
    for (let i = 0; i < nodes; i++) if (noisy[i] !== truth[i]) flipped++;
    expect(flipped).toBeGreaterThan(20);
    const unary = new Float32Array(2 * nodes);
    for (let i = 0; i < nodes; i++) unary[(1 - noisy[i]) * nodes + i] = 1; // cost 1 for disagreeing with the observation
    const { edgeA, edgeB } = grid(w, h);
    const lab = alphaExpansion({ nodes, labels: 2, unary, edgeA, edgeB, pairwise: (_e, la, lb) => (la === lb ? 0 : 0.8), init: noisy });
    let wrong = 0;
    for (let i = 0; i < nodes; i++) if (lab[i] !== truth[i]) wrong++;
    expect(wrong).toBeLessThanOrEqual(4); // a staircase boundary may shift by a pixel or so
  });

  it('is deterministic, honours tryLabel, and aborts from onMove', () => {
    const rand = mulberry32(8);
    const p = randomProblem(rand, 6, 5, 5, 'potts');
    expect(alphaExpansion(p)).toEqual(alphaExpansion(p));

    const tried: number[] = [];
    const lab = alphaExpansion({ ...p, cycles: 1, tryLabel: (l) => (tried.push(l), l !== 2) });
    expect(tried).toEqual([0, 1, 2, 3, 4]);
    for (let i = 0; i < p.nodes; i++) if (p.init[i] !== 2) expect(lab[i]).not.toBe(2);

    let moves = 0;
    expect(() =>
      alphaExpansion({
        ...p,
        onMove: () => {
          if (++moves === 3) throw new Error('aborted');
        },
      }),
    ).toThrow('aborted');
  });

  it('rejects bad input with clear errors', () => {
    const rand = mulberry32(2);
    const p = randomProblem(rand, 3, 3, 3, 'potts');
    expect(() => alphaExpansion({ ...p, pairwise: (e) => 0.5 + e * 0 })).toThrow(/must be 0 for equal labels/);
    const unary = Float64Array.from(p.unary);
    unary[4] = Infinity;
    expect(() => alphaExpansion({ ...p, unary })).toThrow(/not finite/);
    expect(() => alphaExpansion({ ...p, init: new Int32Array(p.nodes).fill(3) })).toThrow(/out of range/);
    expect(() => alphaExpansion({ ...p, unary: new Float64Array(5) })).toThrow(/labels × nodes/);
  });
});
