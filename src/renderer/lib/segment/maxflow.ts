// Boykov–Kolmogorov max-flow / min-cut (PAMI 2004, as in their maxflow-v3 library): two search
// trees grown from the terminals, augmentation along the paths where they meet, orphan adoption
// with the distance/timestamp heuristic. Typed arrays only; built for the grid graphs of GrabCut.
// Arcs come in pairs (a, a ^ 1) so the reverse arc is found without a lookup.

const TERMINAL = -1;
const ORPHAN = -2;
const FREE = -3;
const INF = 0x3fffffff;

export class MaxFlowGraph {
  private readonly first: Int32Array;
  private readonly head: Int32Array;
  private readonly next: Int32Array;
  private readonly rcap: Float64Array;
  private readonly trCap: Float64Array;
  private arcs = 0;
  private flowValue = 0;
  // Search state, per node.
  private readonly parent: Int32Array;
  private readonly isSink: Uint8Array;
  private readonly ts: Int32Array;
  private readonly dist: Int32Array;
  private readonly queued: Uint8Array;
  private readonly queue: Int32Array;
  private qHead = 0;
  private qLen = 0;
  private orphans: number[] = [];
  private time = 0;

  constructor(readonly nodeCount: number, maxEdges: number) {
    this.first = new Int32Array(nodeCount).fill(-1);
    this.head = new Int32Array(2 * maxEdges);
    this.next = new Int32Array(2 * maxEdges);
    this.rcap = new Float64Array(2 * maxEdges);
    this.trCap = new Float64Array(nodeCount);
    this.parent = new Int32Array(nodeCount);
    this.isSink = new Uint8Array(nodeCount);
    this.ts = new Int32Array(nodeCount);
    this.dist = new Int32Array(nodeCount);
    this.queued = new Uint8Array(nodeCount);
    this.queue = new Int32Array(nodeCount);
  }

  /** Capacities from the source and to the sink; may be called more than once per node. */
  addTerminalWeights(i: number, source: number, sink: number): void {
    const delta = this.trCap[i]!;
    if (delta > 0) source += delta;
    else sink -= delta;
    this.flowValue += Math.min(source, sink);
    this.trCap[i] = source - sink;
  }

  /** An edge i → j with capacity `cap` and j → i with `revCap`. */
  addEdge(i: number, j: number, cap: number, revCap: number): void {
    const a = this.arcs;
    if (a + 2 > this.head.length) throw new Error('MaxFlowGraph: more edges than allocated');
    this.arcs += 2;
    this.head[a] = j;
    this.next[a] = this.first[i]!;
    this.first[i] = a;
    this.rcap[a] = cap;
    this.head[a + 1] = i;
    this.next[a + 1] = this.first[j]!;
    this.first[j] = a + 1;
    this.rcap[a + 1] = revCap;
  }

  /** Runs to completion and returns the flow (= the cut's cost). */
  maxflow(): number {
    const { parent, isSink, trCap, ts, dist } = this;
    for (let i = 0; i < this.nodeCount; i++) {
      this.queued[i] = 0;
      ts[i] = 0;
      if (trCap[i]! > 0) {
        isSink[i] = 0;
        parent[i] = TERMINAL;
        dist[i] = 1;
        this.setActive(i);
      } else if (trCap[i]! < 0) {
        isSink[i] = 1;
        parent[i] = TERMINAL;
        dist[i] = 1;
        this.setActive(i);
      } else parent[i] = FREE;
    }
    let current = -1;
    for (;;) {
      let i = current;
      if (i >= 0) {
        this.queued[i] = 0;
        if (parent[i] === FREE) i = -1;
      }
      if (i < 0) {
        i = this.nextActive();
        if (i < 0) break;
      }
      const meeting = this.grow(i);
      this.time++;
      if (meeting >= 0) {
        this.queued[i] = 1; // keep i as the current node: it may still have unexplored arcs
        current = i;
        this.augment(meeting);
        this.adoptOrphans();
      } else current = -1;
    }
    return this.flowValue;
  }

  /** True when node i ends on the source side of the minimum cut. */
  inSourceSet(i: number): boolean {
    return this.parent[i] !== FREE && this.isSink[i] === 0;
  }

  private setActive(i: number): void {
    if (this.queued[i]) return;
    this.queued[i] = 1;
    this.queue[(this.qHead + this.qLen) % this.nodeCount] = i;
    this.qLen++;
  }

  private nextActive(): number {
    while (this.qLen > 0) {
      const i = this.queue[this.qHead]!;
      this.qHead = (this.qHead + 1) % this.nodeCount;
      this.qLen--;
      this.queued[i] = 0;
      if (this.parent[i] !== FREE) return i;
    }
    return -1;
  }

  /** Grows i's tree by one layer; returns an arc from the source tree to the sink tree, or -1. */
  private grow(i: number): number {
    const { parent, isSink, ts, dist, head, rcap } = this;
    const sinkTree = isSink[i] === 1;
    for (let a = this.first[i]!; a >= 0; a = this.next[a]!) {
      if ((sinkTree ? rcap[a ^ 1]! : rcap[a]!) <= 0) continue;
      const j = head[a]!;
      if (parent[j] === FREE) {
        isSink[j] = sinkTree ? 1 : 0;
        parent[j] = a ^ 1;
        ts[j] = ts[i]!;
        dist[j] = dist[i]! + 1;
        this.setActive(j);
      } else if (isSink[j] !== isSink[i]) {
        return sinkTree ? a ^ 1 : a;
      } else if (ts[j]! <= ts[i]! && dist[j]! > dist[i]!) {
        parent[j] = a ^ 1;
        ts[j] = ts[i]!;
        dist[j] = dist[i]! + 1;
      }
    }
    return -1;
  }

  private augment(mid: number): void {
    const { parent, head, rcap, trCap } = this;
    let bottleneck = rcap[mid]!;
    let i = head[mid ^ 1]!;
    for (let a = parent[i]!; a !== TERMINAL; a = parent[i]!) {
      bottleneck = Math.min(bottleneck, rcap[a ^ 1]!);
      i = head[a]!;
    }
    bottleneck = Math.min(bottleneck, trCap[i]!);
    i = head[mid]!;
    for (let a = parent[i]!; a !== TERMINAL; a = parent[i]!) {
      bottleneck = Math.min(bottleneck, rcap[a]!);
      i = head[a]!;
    }
    bottleneck = Math.min(bottleneck, -trCap[i]!);

    rcap[mid ^ 1] = rcap[mid ^ 1]! + bottleneck;
    rcap[mid] = rcap[mid]! - bottleneck;
    i = head[mid ^ 1]!;
    for (let a = parent[i]!; a !== TERMINAL; a = parent[i]!) {
      rcap[a] = rcap[a]! + bottleneck;
      rcap[a ^ 1] = rcap[a ^ 1]! - bottleneck;
      if (rcap[a ^ 1]! <= 0) this.makeOrphan(i);
      i = head[a]!;
    }
    trCap[i] = trCap[i]! - bottleneck;
    if (trCap[i]! <= 0) this.makeOrphan(i);
    i = head[mid]!;
    for (let a = parent[i]!; a !== TERMINAL; a = parent[i]!) {
      rcap[a ^ 1] = rcap[a ^ 1]! + bottleneck;
      rcap[a] = rcap[a]! - bottleneck;
      if (rcap[a]! <= 0) this.makeOrphan(i);
      i = head[a]!;
    }
    trCap[i] = trCap[i]! + bottleneck;
    if (trCap[i]! >= 0) this.makeOrphan(i);
    this.flowValue += bottleneck;
  }

  private makeOrphan(i: number): void {
    this.parent[i] = ORPHAN;
    this.orphans.push(i);
  }

  private adoptOrphans(): void {
    // Processed first-in first-out, like maxflow-v3's orphan list.
    for (let k = 0; k < this.orphans.length; k++) this.adopt(this.orphans[k]!);
    this.orphans = [];
  }

  private adopt(i: number): void {
    const { parent, isSink, ts, dist, head, rcap } = this;
    const sinkTree = isSink[i] === 1;
    let best = -1;
    let bestDist = INF;
    for (let a = this.first[i]!; a >= 0; a = this.next[a]!) {
      if ((sinkTree ? rcap[a]! : rcap[a ^ 1]!) <= 0) continue;
      const j = head[a]!;
      if (isSink[j] !== isSink[i] || parent[j] === FREE) continue;
      // Is j rooted at a terminal? Walk up, counting the distance; stop at a node checked this round.
      let d = 0;
      let k = j;
      for (;;) {
        if (ts[k] === this.time) {
          d += dist[k]!;
          break;
        }
        const up = parent[k]!;
        d++;
        if (up === TERMINAL) {
          ts[k] = this.time;
          dist[k] = 1;
          break;
        }
        if (up === ORPHAN) {
          d = INF;
          break;
        }
        k = head[up]!;
      }
      if (d < INF) {
        if (d < bestDist) {
          best = a;
          bestDist = d;
        }
        for (k = j; ts[k] !== this.time; k = head[parent[k]!]!) {
          ts[k] = this.time;
          dist[k] = d--;
        }
      }
    }
    if (best >= 0) {
      parent[i] = best;
      ts[i] = this.time;
      dist[i] = bestDist + 1;
      return;
    }
    // No valid parent: i becomes free; its children become orphans, its neighbours may regrow.
    for (let a = this.first[i]!; a >= 0; a = this.next[a]!) {
      const j = head[a]!;
      const up = parent[j]!;
      if (isSink[j] !== isSink[i] || up === FREE) continue;
      if ((sinkTree ? rcap[a]! : rcap[a ^ 1]!) > 0) this.setActive(j);
      if (up !== TERMINAL && up !== ORPHAN && head[up] === i) this.makeOrphan(j);
    }
    parent[i] = FREE;
  }
}
