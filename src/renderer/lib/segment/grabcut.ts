// Click-seeded (optionally box-seeded) object segmentation: GrabCut (Rother, Kolmogorov & Blake
// 2004) — colour GMMs for object and background, contrast-sensitive 8-neighbour smoothness,
// iterated min cuts — on a coarse copy of the working image, then one cut at the working
// resolution in a band around the coarse outline. Pure: runs in a worker and in Node benches.
import { floodFill8 } from '../../../shared/raster/flood';
import type { Rect } from '../geometry';
import type { Point } from '../mask-ops';
import { fillEnclosedHoles, morph, type Region, type WorkingImage } from '../region';
import { ColourModel } from './gmm';
import { MaxFlowGraph } from './maxflow';

export interface SegmentOptions {
  /** The click, in working-image pixels: always part of the object. */
  seed: Point;
  /** A dragged box around the object (working pixels); without it one is searched around the click. */
  box?: Rect | null;
  /** Grow (> 0) or shrink (< 0) the result, in working pixels. */
  grow?: number;
}

/** Side of the coarse copy the GrabCut iterations run on. */
export const COARSE_SIDE = 256;
const ITERATIONS = 4;
/** Smoothness weight (the paper's γ). */
const GAMMA = 50;
/** Capacity of a hard constraint: larger than any possible sum of smoothness terms. */
const HARD = 1e9;
const UNKNOWN = -1;
const BG = 0;
const FG = 1;

export function segmentObject(img: WorkingImage, opts: SegmentOptions): Region | null {
  const { width: w, height: h } = img;
  const sx = Math.floor(opts.seed.x);
  const sy = Math.floor(opts.seed.y);
  if (sx < 0 || sy < 0 || sx >= w || sy >= h) return null;
  const k = Math.min(1, COARSE_SIDE / Math.max(w, h));
  const coarse = k < 1 ? downscale(img, Math.max(1, Math.round(w * k)), Math.max(1, Math.round(h * k))) : img;
  const kx = coarse.width / w;
  const ky = coarse.height / h;
  const cSeed = { x: Math.min(coarse.width - 1, Math.floor(sx * kx)), y: Math.min(coarse.height - 1, Math.floor(sy * ky)) };
  const cBox = opts.box ? clip({ x: opts.box.x * kx, y: opts.box.y * ky, width: opts.box.width * kx, height: opts.box.height * ky }, coarse) : null;

  // With a box the seed is only its centre, a guess: no hard constraint, keep the largest part.
  const { labels, fg, bg } = cBox ? grabCut(coarse, cBox, null) : searchFromClick(coarse, cSeed);
  let fine = k < 1 ? refine(img, coarse, labels, fg, bg, cBox ? null : { x: sx, y: sy }) : labels;
  fine = cBox ? keepLargestComponent(fine, w, h) : keepComponent(fine, w, h, sx + sy * w);
  let region = toRegion(fine, w, h);
  if (!region) return null;
  region = fillEnclosedHoles(region, w, h);
  if (opts.grow) region = morph(region, w, h, Math.round(opts.grow));
  return region;
}

/**
 * Without a box: the photo's border is background, a disc around the click is object, and the
 * first colour models come from those two; GrabCut's iterations then settle everything between.
 * (A box grown around the click fails on large objects: object pixels outside it teach the
 * background model the object's colours.)
 */
function searchFromClick(img: WorkingImage, seed: Point): CutResult {
  const { width: w, height: h } = img;
  const strip = Math.max(1, Math.round(Math.min(w, h) * 0.02));
  const box = { x: strip, y: strip, width: Math.max(1, w - 2 * strip), height: Math.max(1, h - 2 * strip) };
  const seedRadius = Math.max(2, Math.round(Math.min(w, h) * 0.04));
  // Two starts, the better outline wins: object model from the click's neighbourhood (right when the
  // object's colours are varied but all near the click) or from everything inside the border (right
  // when the click lands on an untypical spot, such as a highlight).
  const beta = contrastBeta(img);
  const candidates = [grabCut(img, clip(box, img), seed, seedRadius), grabCut(img, clip(box, img), seed, 0)];
  let best = candidates[0]!;
  let bestScore = Infinity;
  for (const c of candidates) {
    const part = keepComponent(c.labels, w, h, seed.x + seed.y * w);
    const score = outlineCost(img, part, beta);
    if (score < bestScore) {
      bestScore = score;
      best = { ...c, labels: part };
    }
  }
  return best;
}

interface CutResult {
  labels: Uint8Array;
  fg: ColourModel;
  bg: ColourModel;
}

/** `seedModelRadius`: when set, the first object model comes from a disc of that radius around the click, not the whole box. */
function grabCut(img: WorkingImage, box: Rect, seed: Point | null, seedModelRadius = 0): CutResult {
  const { width: w, height: h, data } = img;
  const n = w * h;
  const trimap = new Int8Array(n).fill(BG);
  for (let y = box.y; y < box.y + box.height; y++) trimap.fill(UNKNOWN, y * w + box.x, y * w + box.x + box.width);
  // The click and a few pixels around it are object for certain.
  const r = Math.max(1, Math.round(Math.min(w, h) * 0.01));
  if (seed) {
    for (let y = Math.max(0, seed.y - r); y <= Math.min(h - 1, seed.y + r); y++) {
      for (let x = Math.max(0, seed.x - r); x <= Math.min(w - 1, seed.x + r); x++) {
        if ((x - seed.x) ** 2 + (y - seed.y) ** 2 <= r * r) trimap[y * w + x] = FG;
      }
    }
  }
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = trimap[i] === BG ? 0 : 1;
  const beta = contrastBeta(img);
  let fg: ColourModel;
  let bg = ColourModel.fit(data, indexWhere(labels, 0));
  if (seed && seedModelRadius > 0) {
    const disc = new Uint8Array(n);
    const r = seedModelRadius;
    for (let y = Math.max(0, seed.y - r); y <= Math.min(h - 1, seed.y + r); y++) {
      for (let x = Math.max(0, seed.x - r); x <= Math.min(w - 1, seed.x + r); x++) if ((x - seed.x) ** 2 + (y - seed.y) ** 2 <= r * r) disc[y * w + x] = 1;
    }
    fg = ColourModel.fit(data, indexWhere(disc, 1));
  } else fg = ColourModel.fit(data, indexWhere(labels, 1));
  for (let it = 0; it < ITERATIONS; it++) {
    const changed = cut(img, trimap, labels, fg, bg, beta);
    const fgIdx = indexWhere(labels, 1);
    const bgIdx = indexWhere(labels, 0);
    if (fgIdx.length === 0 || bgIdx.length === 0) break;
    fg = ColourModel.fit(data, fgIdx);
    bg = ColourModel.fit(data, bgIdx);
    if (it > 0 && changed < n * 0.001) break;
  }
  return { labels, fg, bg };
}

/** Upsamples the coarse labels and re-cuts a band around their outline at full working resolution. */
function refine(img: WorkingImage, coarse: WorkingImage, coarseLabels: Uint8Array, fg: ColourModel, bg: ColourModel, seed: Point | null): Uint8Array {
  const { width: w, height: h } = img;
  const cw = coarse.width;
  const ch = coarse.height;
  const labels = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const cy = Math.min(ch - 1, Math.floor(((y + 0.5) * ch) / h));
    for (let x = 0; x < w; x++) labels[y * w + x] = coarseLabels[cy * cw + Math.min(cw - 1, Math.floor(((x + 0.5) * cw) / w))]!;
  }
  const band = Math.ceil(Math.max(w / cw, h / ch)) + 1;
  const trimap = new Int8Array(w * h);
  for (let i = 0; i < labels.length; i++) trimap[i] = labels[i] ? FG : BG;
  // Unknown: everything within `band` px of a label change (a separable max-filter of the edge map).
  const edge = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if ((x + 1 < w && labels[i] !== labels[i + 1]) || (y + 1 < h && labels[i] !== labels[i + w])) edge[i] = 1;
    }
  }
  const near = dilateBox(edge, w, h, band);
  for (let i = 0; i < near.length; i++) if (near[i]) trimap[i] = UNKNOWN;
  if (seed) trimap[seed.y * w + seed.x] = FG;
  cut(img, trimap, labels, fg, bg, contrastBeta(img));
  return labels;
}

/** 8-neighbourhood as (dx, dy, weight factor): a diagonal pair is √2 apart. */
const NEIGHBOURS = [1, 0, 1, -1, 1, Math.SQRT1_2, 0, 1, 1, 1, 1, Math.SQRT1_2, -1, 0, 1, 1, -1, Math.SQRT1_2, 0, -1, 1, -1, -1, Math.SQRT1_2];

/** One min cut over the unknown pixels; fixed neighbours pull through their smoothness terms. Returns how many labels changed. */
function cut(img: WorkingImage, trimap: Int8Array, labels: Uint8Array, fg: ColourModel, bg: ColourModel, beta: number): number {
  const { width: w, height: h, data } = img;
  const node = new Int32Array(w * h).fill(-1);
  let count = 0;
  for (let i = 0; i < trimap.length; i++) if (trimap[i] === UNKNOWN) node[i] = count++;
  if (count === 0) return 0;
  const pixels = new Int32Array(count);
  for (let i = 0, k = 0; i < trimap.length; i++) if (trimap[i] === UNKNOWN) pixels[k++] = i;
  const g = new MaxFlowGraph(count, 4 * count);
  for (let k = 0; k < count; k++) {
    const p = pixels[k]!;
    const x = p % w;
    const y = (p - x) / w;
    g.addTerminalWeights(k, bg.cost(data, p * 4), fg.cost(data, p * 4)); // the source link is cut when p is background
    for (let n = 0; n < NEIGHBOURS.length; n += 3) {
      const qx = x + NEIGHBOURS[n]!;
      const qy = y + NEIGHBOURS[n + 1]!;
      if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
      const q = qy * w + qx;
      const nq = node[q]!;
      if (nq >= 0 && nq < k) continue; // unknown pairs once, from their later pixel
      const wt = GAMMA * NEIGHBOURS[n + 2]! * Math.exp(-beta * colourDist2(data, p * 4, q * 4));
      if (nq >= 0) g.addEdge(k, nq, wt, wt);
      else pullTowards(g, k, trimap[q]!, wt);
    }
  }
  g.maxflow();
  let changed = 0;
  for (let i = 0; i < trimap.length; i++) {
    const v = trimap[i] === UNKNOWN ? (g.inSourceSet(node[i]!) ? 1 : 0) : trimap[i] === FG ? 1 : 0;
    if (v !== labels[i]) changed++;
    labels[i] = v;
  }
  return changed;
}

/**
 * Mean edge-awareness of a selection's outline: exp(−β‖Δz‖²) averaged over the pixel pairs it cuts
 * (0 = every cut pair lies on a strong colour edge, 1 = the outline crosses flat colour). A tiny
 * selection has no outline worth trusting and scores 1.
 */
function outlineCost(img: WorkingImage, labels: Uint8Array, beta: number): number {
  const { width: w, height: h, data } = img;
  let sum = 0;
  let pairs = 0;
  let area = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (labels[p]) area++;
      if (x + 1 < w && labels[p] !== labels[p + 1]) { sum += Math.exp(-beta * colourDist2(data, p * 4, p * 4 + 4)); pairs++; }
      if (y + 1 < h && labels[p] !== labels[p + w]) { sum += Math.exp(-beta * colourDist2(data, p * 4, (p + w) * 4)); pairs++; }
    }
  }
  return pairs === 0 || area < 16 ? 1 : sum / pairs;
}

function pullTowards(g: MaxFlowGraph, node: number, fixed: number, weight: number): void {
  // Disagreeing with a fixed neighbour costs `weight`: a source link for an object neighbour.
  if (fixed === FG) g.addTerminalWeights(node, weight, 0);
  else g.addTerminalWeights(node, 0, weight);
}

/** β = 1 / (2·mean ‖z_p − z_q‖²) over neighbouring pairs (the paper's contrast normalisation). */
function contrastBeta(img: WorkingImage): number {
  const { width: w, height: h, data } = img;
  let sum = 0;
  let pairs = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      if (x + 1 < w) { sum += colourDist2(data, p, p + 4); pairs++; }
      if (y + 1 < h) { sum += colourDist2(data, p, p + w * 4); pairs++; }
    }
  }
  return sum > 0 ? pairs / (2 * sum) : 0;
}

function colourDist2(d: ArrayLike<number>, a: number, b: number): number {
  const r = d[a]! - d[b]!, g = d[a + 1]! - d[b + 1]!, bl = d[a + 2]! - d[b + 2]!;
  return r * r + g * g + bl * bl;
}

function indexWhere(labels: Uint8Array, value: number): Int32Array {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === value) n++;
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < labels.length; i++) if (labels[i] === value) out[j++] = i;
  return out;
}

/** Area-average downscale of RGBA pixels. */
export function downscale(img: WorkingImage, dw: number, dh: number): WorkingImage {
  const { width: w, height: h, data } = img;
  const out = new Uint8ClampedArray(dw * dh * 4);
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor((y * h) / dh), y1 = Math.max(y0 + 1, Math.floor(((y + 1) * h) / dh));
    for (let x = 0; x < dw; x++) {
      const x0 = Math.floor((x * w) / dw), x1 = Math.max(x0 + 1, Math.floor(((x + 1) * w) / dw));
      let r = 0, g = 0, b = 0, a = 0, n = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const o = (yy * w + xx) * 4;
          r += data[o]!; g += data[o + 1]!; b += data[o + 2]!; a += data[o + 3]!; n++;
        }
      }
      const o = (y * dw + x) * 4;
      out[o] = r / n; out[o + 1] = g / n; out[o + 2] = b / n; out[o + 3] = a / n;
    }
  }
  return { width: dw, height: dh, data: out };
}

function clip(r: Rect, img: WorkingImage): Rect {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(img.width, Math.ceil(r.x + r.width));
  const y1 = Math.min(img.height, Math.ceil(r.y + r.height));
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/** Does the selection reach a side of the box that is not the image's border? */
function touchesInnerEdge(labels: Uint8Array, img: WorkingImage, box: Rect): boolean {
  const { width: w } = img;
  const right = box.x + box.width - 1;
  const bottom = box.y + box.height - 1;
  for (let y = box.y; y <= bottom; y++) {
    if (box.x > 0 && labels[y * w + box.x]) return true;
    if (right < w - 1 && labels[y * w + right]) return true;
  }
  for (let x = box.x; x <= right; x++) {
    if (box.y > 0 && labels[box.y * w + x]) return true;
    if (bottom < img.height - 1 && labels[bottom * w + x]) return true;
  }
  return false;
}

/** The 8-connected component of `start` (the click): a tool click selects one object. */
function keepComponent(labels: Uint8Array, w: number, h: number, start: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  floodFill8(labels, w, h, start, out);
  return out;
}

function keepLargestComponent(labels: Uint8Array, w: number, h: number): Uint8Array {
  const seen = new Uint8Array(labels.length);
  let best: Uint8Array = seen;
  let bestCount = 0;
  for (let p = 0; p < labels.length; p++) {
    if (!labels[p] || seen[p]) continue;
    const part = keepComponent(labels, w, h, p);
    let n = 0;
    for (let i = 0; i < part.length; i++) if (part[i]) { n++; seen[i] = 1; }
    if (n > bestCount) { bestCount = n; best = part; }
  }
  return best;
}

function dilateBox(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const tmp = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    let last = -Infinity;
    for (let x = 0; x < w; x++) { if (src[y * w + x]) last = x; if (x - last <= r) tmp[y * w + x] = 1; }
    last = Infinity;
    for (let x = w - 1; x >= 0; x--) { if (src[y * w + x]) last = x; if (last - x <= r) tmp[y * w + x] = 1; }
  }
  const out = new Uint8Array(src.length);
  for (let x = 0; x < w; x++) {
    let last = -Infinity;
    for (let y = 0; y < h; y++) { if (tmp[y * w + x]) last = y; if (y - last <= r) out[y * w + x] = 1; }
    last = Infinity;
    for (let y = h - 1; y >= 0; y--) { if (tmp[y * w + x]) last = y; if (last - y <= r) out[y * w + x] = 1; }
  }
  return out;
}

function toRegion(labels: Uint8Array, w: number, h: number): Region | null {
  let minX = w, minY = h, maxX = -1, maxY = -1, count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!labels[y * w + x]) continue;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (count === 0) return null;
  return { selected: labels, bounds: { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 }, count };
}
