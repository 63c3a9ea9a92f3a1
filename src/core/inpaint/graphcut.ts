// Graph cuts for labelling problems: an s-t max-flow / min-cut solver (Boykov–Kolmogorov 2004) and
// α-expansion moves for pairwise MRFs built on it (Boykov, Veksler & Zabih 2001). They back the
// shift-map inpainting labelling, where every hole pixel picks one of a few dozen candidate shifts.
//
// Hand-written because no maintained npm package does max flow at this scale; written from the
// papers' descriptions. Everything lives in typed arrays (no per-edge objects) so a grid of 10^5
// nodes solves in tens of milliseconds and one graph's storage is reused across expansion moves.

// parent[] values besides an arc index (arc from the node to its parent)
const NONE = -1; // free node, in neither search tree
const TERMINAL = -2; // root: the parent is the source (S tree) or the sink (T tree)
const ORPHAN = -3; // lost its parent arc during an augmentation; waiting for adoption

// tree[] values
const FREE = 0;
const S = 1;
const T = 2;

const INF_DIST = 0x3fffffff;

function checkCapacity(value: number, what: string): void {
  // `!(x >= 0)` also catches NaN
  if (!(value >= 0) || value === Infinity) throw new Error(`MaxFlowGraph: ${what} must be a finite number ≥ 0, got ${value}`);
}

/**
 * An s-t flow network on `nodes` nodes with the source and sink implicit: terminal capacities are
 * per node. Arcs are stored in pairs (arc 2k and its reverse 2k+1, so the sister of arc a is a^1)
 * as singly linked adjacency lists in typed arrays that grow by doubling.
 *
 * maxflow() is Boykov–Kolmogorov: a search tree grows from the source and one from the sink; when
 * they touch, the path is augmented, saturated tree arcs orphan their subtrees, and the orphans are
 * re-attached (adopted) elsewhere in their tree or freed. The trees are kept between augmentations,
 * which is what makes it fast on the short-path, many-path graphs of vision problems.
 */
export class MaxFlowGraph {
  readonly nodes: number;
  /** arcs in use (twice the edge pairs) */
  private arcCount = 0;
  private first: Int32Array; // first arc out of each node, -1 when none
  private head: Int32Array; // arc → node it points to
  private next: Int32Array; // arc → next arc out of the same node
  private rcap: Float64Array; // arc → residual capacity
  private trCap: Float64Array; // node → residual terminal capacity: > 0 from the source, < 0 to the sink
  private parent: Int32Array;
  private tree: Uint8Array;
  private ts: Int32Array; // time stamp at which dist was last known exact
  private dist: Int32Array; // distance to the tree's terminal (heuristic)
  private nextActive: Int32Array; // active FIFO as a linked list: -1 not queued, self at the tail
  private orphans: Int32Array; // orphan FIFO ring buffer (a node is queued at most once)
  private flow = 0;
  private maxCap = 0;

  constructor(nodes: number, edgeHint = nodes * 4) {
    if (!Number.isInteger(nodes) || nodes < 0) throw new Error(`MaxFlowGraph: node count must be an integer ≥ 0, got ${nodes}`);
    this.nodes = nodes;
    const arcs = Math.max(4, 2 * Math.ceil(Math.max(0, edgeHint)));
    this.head = new Int32Array(arcs);
    this.next = new Int32Array(arcs);
    this.rcap = new Float64Array(arcs);
    this.first = new Int32Array(nodes).fill(-1);
    this.trCap = new Float64Array(nodes);
    this.parent = new Int32Array(nodes);
    this.tree = new Uint8Array(nodes);
    this.ts = new Int32Array(nodes);
    this.dist = new Int32Array(nodes);
    this.nextActive = new Int32Array(nodes);
    this.orphans = new Int32Array(Math.max(1, nodes));
  }

  /** Removes all edges and terminal capacities, keeping the storage (for solving many graphs on the same nodes). */
  reset(): void {
    this.arcCount = 0;
    this.first.fill(-1);
    this.trCap.fill(0);
    this.tree.fill(FREE);
    this.flow = 0;
    this.maxCap = 0;
  }

  private checkNode(node: number): void {
    if (!(node >= 0 && node < this.nodes) || (node | 0) !== node) throw new Error(`MaxFlowGraph: node ${node} out of range [0, ${this.nodes})`);
  }

  /** adds capacity source→node and node→sink (both ≥ 0; callers may pass both, the common part is already flow) */
  addTerminal(node: number, fromSource: number, toSink: number): void {
    this.checkNode(node);
    checkCapacity(fromSource, 'source capacity');
    checkCapacity(toSink, 'sink capacity');
    if (fromSource > this.maxCap) this.maxCap = fromSource;
    if (toSink > this.maxCap) this.maxCap = toSink;
    // Every unit that could go source→node→sink is flow no matter what, so only the difference is
    // kept as a residual terminal capacity (and merged with what the node already has).
    let s = fromSource;
    let t = toSink;
    const prev = this.trCap[node];
    if (prev > 0) s += prev;
    else t -= prev;
    this.flow += Math.min(s, t);
    this.trCap[node] = s - t;
  }

  /** adds an edge pair a→b with capacity ab and b→a with capacity ba (both ≥ 0) */
  addEdge(a: number, b: number, ab: number, ba: number): void {
    this.checkNode(a);
    this.checkNode(b);
    checkCapacity(ab, 'edge capacity');
    checkCapacity(ba, 'edge capacity');
    if (a === b || (ab === 0 && ba === 0)) return; // a self-loop or an empty pair never crosses a cut
    if (ab > this.maxCap) this.maxCap = ab;
    if (ba > this.maxCap) this.maxCap = ba;
    if (this.arcCount + 2 > this.head.length) this.grow();
    const e = this.arcCount;
    this.arcCount += 2;
    this.head[e] = b;
    this.rcap[e] = ab;
    this.next[e] = this.first[a];
    this.first[a] = e;
    this.head[e + 1] = a;
    this.rcap[e + 1] = ba;
    this.next[e + 1] = this.first[b];
    this.first[b] = e + 1;
  }

  private grow(): void {
    const size = this.head.length * 2;
    const head = new Int32Array(size);
    const next = new Int32Array(size);
    const rcap = new Float64Array(size);
    head.set(this.head);
    next.set(this.next);
    rcap.set(this.rcap);
    this.head = head;
    this.next = next;
    this.rcap = rcap;
  }

  /** runs max flow, returns the flow value */
  maxflow(): number {
    const n = this.nodes;
    const { first, head, next, rcap, trCap, parent, tree, ts, dist, nextActive, orphans } = this;
    // Residuals this small relative to the capacities are rounding noise; calling them saturated
    // guarantees every augmentation saturates an arc, so the search terminates.
    const eps = 1e-9 * this.maxCap;
    let flow = this.flow;

    let activeFirst = -1;
    let activeLast = -1;
    const setActive = (i: number): void => {
      if (nextActive[i] >= 0) return;
      nextActive[i] = i;
      if (activeLast >= 0) nextActive[activeLast] = i;
      else activeFirst = i;
      activeLast = i;
    };
    let orphanHead = 0;
    let orphanCount = 0;
    const orphanCap = orphans.length;
    const setOrphan = (i: number): void => {
      parent[i] = ORPHAN;
      let k = orphanHead + orphanCount++;
      if (k >= orphanCap) k -= orphanCap;
      orphans[k] = i;
    };

    // Every node with terminal residual is a root of its tree and active.
    for (let i = 0; i < n; i++) {
      nextActive[i] = -1;
      ts[i] = 0;
      const c = trCap[i];
      if (c > eps) {
        tree[i] = S;
        parent[i] = TERMINAL;
        dist[i] = 1;
        setActive(i);
      } else if (c < -eps) {
        tree[i] = T;
        parent[i] = TERMINAL;
        dist[i] = 1;
        setActive(i);
      } else {
        tree[i] = FREE;
        parent[i] = NONE;
      }
    }

    let time = 0;
    let current = -1; // the node being grown; stays current while its arcs keep finding paths
    for (;;) {
      let i = -1;
      if (current >= 0) {
        nextActive[current] = -1;
        if (parent[current] !== NONE) i = current;
        current = -1;
      }
      while (i < 0 && activeFirst >= 0) {
        const k = activeFirst;
        if (nextActive[k] === k) activeFirst = activeLast = -1;
        else activeFirst = nextActive[k];
        nextActive[k] = -1;
        if (parent[k] !== NONE) i = k; // freed since it was queued: skip
      }
      if (i < 0) break;

      // Growth: claim free neighbours; stop at the first arc into the other tree.
      let middle = -1; // arc from the S tree to the T tree
      const di = dist[i] + 1;
      const tsi = ts[i];
      if (tree[i] === S) {
        for (let a = first[i]; a >= 0; a = next[a]) {
          if (rcap[a] <= eps) continue;
          const j = head[a];
          const tj = tree[j];
          if (tj === FREE) {
            tree[j] = S;
            parent[j] = a ^ 1;
            ts[j] = tsi;
            dist[j] = di;
            setActive(j);
          } else if (tj === T) {
            middle = a;
            break;
          } else if (ts[j] <= tsi && dist[j] > dist[i]) {
            // i is known to be closer to the source than j's current route: shorten j's path
            parent[j] = a ^ 1;
            ts[j] = tsi;
            dist[j] = di;
          }
        }
      } else {
        for (let a = first[i]; a >= 0; a = next[a]) {
          if (rcap[a ^ 1] <= eps) continue;
          const j = head[a];
          const tj = tree[j];
          if (tj === FREE) {
            tree[j] = T;
            parent[j] = a ^ 1;
            ts[j] = tsi;
            dist[j] = di;
            setActive(j);
          } else if (tj === S) {
            middle = a ^ 1;
            break;
          } else if (ts[j] <= tsi && dist[j] > dist[i]) {
            parent[j] = a ^ 1;
            ts[j] = tsi;
            dist[j] = di;
          }
        }
      }

      time++;
      if (middle < 0) continue; // i is exhausted and leaves the active set

      // i may have more paths: keep it current (marked as queued so nobody re-queues it)
      nextActive[i] = i;
      current = i;

      // Augmentation: the bottleneck along source → … → u → v → … → sink.
      const u = head[middle ^ 1];
      const v = head[middle];
      let bottleneck = rcap[middle];
      let x = u;
      for (let pa = parent[x]; pa !== TERMINAL; pa = parent[x]) {
        if (rcap[pa ^ 1] < bottleneck) bottleneck = rcap[pa ^ 1];
        x = head[pa];
      }
      if (trCap[x] < bottleneck) bottleneck = trCap[x];
      x = v;
      for (let pa = parent[x]; pa !== TERMINAL; pa = parent[x]) {
        if (rcap[pa] < bottleneck) bottleneck = rcap[pa];
        x = head[pa];
      }
      if (-trCap[x] < bottleneck) bottleneck = -trCap[x];

      rcap[middle] -= bottleneck;
      rcap[middle ^ 1] += bottleneck;
      x = u;
      for (let pa = parent[x]; pa !== TERMINAL; pa = parent[x]) {
        rcap[pa ^ 1] -= bottleneck;
        rcap[pa] += bottleneck;
        if (rcap[pa ^ 1] <= eps) setOrphan(x);
        x = head[pa];
      }
      trCap[x] -= bottleneck;
      if (trCap[x] <= eps) setOrphan(x);
      x = v;
      for (let pa = parent[x]; pa !== TERMINAL; pa = parent[x]) {
        rcap[pa] -= bottleneck;
        rcap[pa ^ 1] += bottleneck;
        if (rcap[pa] <= eps) setOrphan(x);
        x = head[pa];
      }
      trCap[x] += bottleneck;
      if (trCap[x] >= -eps) setOrphan(x);
      flow += bottleneck;

      // Adoption: give each orphan a parent in its own tree that still reaches the terminal (the
      // closest one found), or free it and orphan its children.
      while (orphanCount > 0) {
        const o = orphans[orphanHead];
        if (++orphanHead === orphanCap) orphanHead = 0;
        orphanCount--;
        const t = tree[o];
        let best = -1;
        let bestDist = INF_DIST;
        for (let a = first[o]; a >= 0; a = next[a]) {
          // the tree arc must carry flow towards the orphan (S) or away from it (T)
          if ((t === S ? rcap[a ^ 1] : rcap[a]) <= eps) continue;
          const j = head[a];
          if (tree[j] !== t) continue;
          // walk up from j: does it reach the terminal without passing an orphan?
          let d = 0;
          let k = j;
          for (;;) {
            if (ts[k] === time) {
              d += dist[k];
              break;
            }
            const pk = parent[k];
            d++;
            if (pk === TERMINAL) {
              ts[k] = time;
              dist[k] = 1;
              break;
            }
            if (pk === ORPHAN) {
              d = INF_DIST;
              break;
            }
            k = head[pk];
          }
          if (d >= INF_DIST) continue;
          if (d < bestDist) {
            best = a;
            bestDist = d;
          }
          // stamp the verified path so later walks stop early
          for (k = j; ts[k] !== time; k = head[parent[k]]) {
            ts[k] = time;
            dist[k] = d--;
          }
        }
        if (best >= 0) {
          parent[o] = best;
          ts[o] = time;
          dist[o] = bestDist + 1;
          continue;
        }
        for (let a = first[o]; a >= 0; a = next[a]) {
          const j = head[a];
          if (tree[j] !== t) continue;
          // a neighbour that could have been a parent must look again for free nodes
          if ((t === S ? rcap[a ^ 1] : rcap[a]) > eps) setActive(j);
          const pj = parent[j];
          if (pj >= 0 && head[pj] === o) setOrphan(j);
        }
        tree[o] = FREE;
        parent[o] = NONE;
      }
    }
    this.flow = flow;
    return flow;
  }

  /** after maxflow(): true when the node is on the source side of the minimum cut (reachable from the source in the residual graph); nodes in neither tree count as sink side */
  sourceSide(node: number): boolean {
    return this.tree[node] === S;
  }
}

export interface ExpansionProblem {
  nodes: number;
  labels: number;
  /** unary cost, labels × nodes, index label * nodes + node; Infinity is not allowed: callers use a large finite cost */
  unary: Float32Array | Float64Array;
  /** edges as node pairs: edgeA[e], edgeB[e] */
  edgeA: Int32Array;
  edgeB: Int32Array;
  /** pairwise cost of edge e with labels la (at edgeA[e]) and lb (at edgeB[e]); must be 0 when la === lb */
  pairwise(e: number, la: number, lb: number): number;
  /** starting labelling (copied, not modified) */
  init: Int32Array;
  /** full passes over all labels (stop early when a pass changes nothing); default 2 */
  cycles?: number;
  /** optional: label order per cycle is 0..labels-1; skip a label when this returns false */
  tryLabel?(label: number): boolean;
  /** called between moves; throw from it to abort (the caller passes an AbortSignal check) */
  onMove?(): void;
}

/** The MRF energy of a labelling: the sum of unary costs plus pairwise costs of edges whose labels differ. */
export function expansionEnergy(p: ExpansionProblem, labels: Int32Array): number {
  const { nodes, unary, edgeA, edgeB, pairwise } = p;
  let e = 0;
  for (let i = 0; i < nodes; i++) e += unary[labels[i] * nodes + i];
  for (let k = 0; k < edgeA.length; k++) {
    const la = labels[edgeA[k]];
    const lb = labels[edgeB[k]];
    if (la !== lb) e += pairwise(k, la, lb); // equal labels cost 0 by contract (checked in alphaExpansion)
  }
  return e;
}

function validate(p: ExpansionProblem): void {
  const { nodes, labels, unary, edgeA, edgeB, init } = p;
  if (!Number.isInteger(nodes) || nodes < 0) throw new Error(`alphaExpansion: nodes must be an integer ≥ 0, got ${nodes}`);
  if (!Number.isInteger(labels) || labels < 1) throw new Error(`alphaExpansion: labels must be an integer ≥ 1, got ${labels}`);
  if (unary.length !== labels * nodes) throw new Error(`alphaExpansion: unary has ${unary.length} costs, expected labels × nodes = ${labels * nodes}`);
  for (let i = 0; i < unary.length; i++) {
    if (!Number.isFinite(unary[i])) throw new Error(`alphaExpansion: unary cost ${unary[i]} at label ${Math.floor(i / nodes)}, node ${i % nodes} is not finite (use a large finite cost)`);
  }
  if (edgeA.length !== edgeB.length) throw new Error(`alphaExpansion: edgeA has ${edgeA.length} entries but edgeB has ${edgeB.length}`);
  if (init.length !== nodes) throw new Error(`alphaExpansion: init has ${init.length} labels, expected ${nodes}`);
  for (let i = 0; i < nodes; i++) {
    if (!(init[i] >= 0 && init[i] < labels)) throw new Error(`alphaExpansion: init label ${init[i]} of node ${i} out of range [0, ${labels})`);
  }
  for (let e = 0; e < edgeA.length; e++) {
    const a = edgeA[e];
    const b = edgeB[e];
    if (!(a >= 0 && a < nodes && b >= 0 && b < nodes)) throw new Error(`alphaExpansion: edge ${e} (${a}, ${b}) has a node out of range [0, ${nodes})`);
  }
  // The energy skips pairwise calls for equal labels, so spot-check the contract: every edge at its
  // starting label, and every label on the first edge.
  const bad = (e: number, l: number): void => {
    const v = p.pairwise(e, l, l);
    if (v !== 0) throw new Error(`alphaExpansion: pairwise(${e}, ${l}, ${l}) = ${v}, but the pairwise cost must be 0 for equal labels`);
  };
  for (let e = 0; e < edgeA.length; e++) bad(e, init[edgeA[e]]);
  if (edgeA.length > 0) for (let l = 0; l < labels; l++) bad(0, l);
}

/**
 * Minimises the pairwise MRF energy by α-expansion moves: for each label α in turn, every node may
 * keep its label or switch to α, and the best such move is one min cut. With a metric pairwise
 * cost that move is exact and the result is within a known factor of the optimum (2 for Potts);
 * with a non-metric one the move's non-submodular edge terms are truncated to 0 and the move is
 * only kept when the true energy drops, so the energy never rises. Returns the new labelling.
 */
export function alphaExpansion(p: ExpansionProblem): Int32Array {
  validate(p);
  const { nodes, labels, unary, edgeA, edgeB, pairwise } = p;
  const edges = edgeA.length;
  const cycles = p.cycles ?? 2;
  let lab = Int32Array.from(p.init);
  let cand = new Int32Array(nodes);
  const diff = new Float64Array(nodes); // per node: cost of switching to α minus cost of keeping
  const graph = new MaxFlowGraph(nodes, edges);
  let energy = expansionEnergy(p, lab);

  for (let cycle = 0; cycle < cycles; cycle++) {
    let changed = false;
    for (let alpha = 0; alpha < labels; alpha++) {
      if (p.tryLabel && !p.tryLabel(alpha)) continue;
      p.onMove?.();

      graph.reset();
      const ua = alpha * nodes;
      for (let i = 0; i < nodes; i++) {
        const l = lab[i];
        diff[i] = l === alpha ? 0 : unary[ua + i] - unary[l * nodes + i];
      }
      // Pairwise terms with x = 1 meaning "switch to α": A = V(fp,fq), B = V(fp,α), C = V(α,fq),
      // D = V(α,α) = 0, and E = A + (C−A)·x_p − C·x_q + (B+C−A)·(1−x_p)·x_q. The last term is the
      // arc p→q, cut when p keeps (source side) and q switches (sink side).
      for (let e = 0; e < edges; e++) {
        const pn = edgeA[e];
        const qn = edgeB[e];
        const fp = lab[pn];
        const fq = lab[qn];
        if (fp === alpha) {
          // p stays α: only q's choice matters, V(α,fq) when q keeps, 0 when it switches
          if (fq !== alpha) diff[qn] -= pairwise(e, alpha, fq);
          continue;
        }
        if (fq === alpha) {
          diff[pn] -= pairwise(e, fp, alpha);
          continue;
        }
        const A = fp === fq ? 0 : pairwise(e, fp, fq);
        const B = pairwise(e, fp, alpha);
        const C = pairwise(e, alpha, fq);
        const cap = B + C - A;
        if (!Number.isFinite(cap)) throw new Error(`alphaExpansion: pairwise costs of edge ${e} are not finite`);
        diff[pn] += C - A;
        diff[qn] -= C;
        if (cap > 0) graph.addEdge(pn, qn, cap, 0); // < 0 is non-submodular: truncated
      }
      // source→node is cut when the node switches, node→sink when it keeps
      for (let i = 0; i < nodes; i++) {
        const d = diff[i];
        if (d > 0) graph.addTerminal(i, d, 0);
        else if (d < 0) graph.addTerminal(i, 0, -d);
      }
      graph.maxflow();

      let moved = false;
      for (let i = 0; i < nodes; i++) {
        const l = lab[i];
        if (l !== alpha && !graph.sourceSide(i)) {
          cand[i] = alpha;
          moved = true;
        } else cand[i] = l;
      }
      if (!moved) continue;
      // The cut's energy is exact only for metric costs; judge the move by the true energy, with a
      // relative margin so rounding noise on an equal-energy move does not count as progress.
      const next = expansionEnergy(p, cand);
      if (next < energy - 1e-12 * Math.abs(energy)) {
        const t = lab;
        lab = cand;
        cand = t;
        energy = next;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return lab;
}
