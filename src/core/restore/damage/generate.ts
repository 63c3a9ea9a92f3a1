// Realistic synthetic damage for training and evaluating the learned damage detector. Modelled on
// the real damaged prints in ../shared/data (old-photos/, scratches/old-photos-no-masks/): white
// branching crack networks with emulsion flaking along them, long scratches (1–15 px at 1000 px),
// dust and hairs (dark or white), foxing, tea-coloured stains, creases, torn corners; plus real
// hand-outlined film marks (film-aa-masks) composited as they are. Sizes are given at a 1000 px
// long side and scaled to the image, so the generator matches the detector's working scale.
// Stains are drawn but are NOT damage in the truth mask: they are tone problems (tone.ts), and a
// detector that flags them would send large areas to inpainting.
import type { ImageBuffer } from '../../image/types';
import { mulberry32, type Uniform } from '../../random';
import { blob, boxBlur, chip, gauss, stroke, wander } from './paint';

export type DamageKind = 'cracks' | 'scratches' | 'flaking' | 'dust' | 'hairs' | 'foxing' | 'stains' | 'creases' | 'corners' | 'film' | 'chips';

export interface FilmMarks {
  width: number;
  height: number;
  /** 255 = a real hand-outlined dust / dirt / hair / scratch mark */
  data: Uint8Array;
}

export interface GenerateOptions {
  seed: number;
  /** kinds to draw (default: a random mix, always at least one damaging kind) */
  kinds?: DamageKind[];
  /** overall amount multiplier (default 1) */
  amount?: number;
  /** real film-damage masks to composite when 'film' is drawn */
  film?: FilmMarks[];
  /** px per unit of a 1000 px long side (default: long side / 1000); set it for crops of a larger print */
  scale?: number;
  /** probability that a layer of thin damage (scratches, dust, hairs, cracks, film marks) is faint:
   *  a shift of 12–45 grey levels instead of paper white or near black, as real dust and scratches
   *  on film scans are (film-r-pairs: median 14–30 levels over grain of σ 8–14). Default 0 */
  faint?: number;
  /** probability of an extra layer of emulsion chips (angular, hard-edged, mostly paper white, 3–30 px
   *  at 1000 px), the flakes real prints lose (old-photos-no-masks) and `flaking`'s rounded, petal-shaped
   *  blobs do not resemble. Default 0; r() is drawn only when set, so seeds keep their damage */
  chips?: number;
  /** probability that a scratch is broken into dashes, as a scratch dragged along a film strip often
   *  is (a held-out film-aa scan has one across the whole frame). Default 0; r() is drawn only when
   *  set, so seeds keep their damage */
  broken?: number;
  /** also return `kindMap` (evaluation only; draws no random numbers, so seeds keep their damage) */
  trace?: boolean;
}

export interface DamagedImage {
  image: ImageBuffer;
  /** 255 where the photo was damaged (visibly changed by a damage layer) */
  mask: Uint8Array;
  kinds: DamageKind[];
  /** with `trace`: per truth-mask pixel, 1 + the index in `kinds` of the topmost damaging layer there
   *  (0 outside the damage), so an evaluation can say which kind of damage its residual error is in */
  kindMap?: Uint8Array;
}

/** Minimum visible change (grey levels) for a damaged pixel to count in the truth mask. */
const VISIBLE = 8;

interface Layer {
  cov: Float32Array;
  rgb: [number, number, number];
  /** counts as damage in the truth mask */
  damage: boolean;
  /** a faint layer shifts the photo by this many grey levels (signed) instead of blending to `rgb` */
  shift?: number;
  kind: DamageKind;
}

/** Kinds whose marks may be faint (thin damage; flaking, corners, foxing and stains stay as they are). */
const FAINT_KINDS: ReadonlySet<DamageKind> = new Set(['cracks', 'scratches', 'dust', 'hairs', 'film']);

// the random mix; chips come only with the `chips` option (adding them here would change every seed's damage)
type MixedKind = Exclude<DamageKind, 'chips'>;
const ALL: MixedKind[] = ['cracks', 'scratches', 'flaking', 'dust', 'hairs', 'foxing', 'stains', 'creases', 'corners', 'film'];
const PROB: Record<MixedKind, number> = { cracks: 0.5, scratches: 0.55, flaking: 0.3, dust: 0.6, hairs: 0.3, foxing: 0.25, stains: 0.25, creases: 0.2, corners: 0.12, film: 0.35 };

function pickKinds(r: Uniform, film: boolean): DamageKind[] {
  const k = ALL.filter((x) => (x !== 'film' || film) && r() < PROB[x]);
  if (!k.some((x) => x !== 'stains')) k.push((['cracks', 'scratches', 'dust'] as const)[Math.floor(r() * 3)]);
  return k;
}

/** Tone of a layer: paper white (emulsion gone), near black (dirt, dark scratches) or brown. */
function tone(r: Uniform, bright: boolean, paper: [number, number, number]): [number, number, number] {
  if (bright) {
    const v = 0.85 + 0.15 * r();
    return [Math.min(255, paper[0] * v + 25), Math.min(255, paper[1] * v + 25), Math.min(255, paper[2] * v + 25)];
  }
  const v = 10 + 50 * r();
  return [v, v * 0.95, v * 0.9];
}

const rand = (r: Uniform, a: number, b: number): number => a + (b - a) * r();

function cracks(cov: Float32Array, W: number, H: number, r: Uniform, s: number, amount: number): void {
  const roots = 1 + Math.floor(r() * 3 * amount);
  const queue: Array<{ x: number; y: number; h: number; len: number; w: number; depth: number }> = [];
  for (let i = 0; i < roots; i++) queue.push({ x: r() * W, y: r() * H, h: r() * 6.283, len: rand(r, 150, 600) * s, w: rand(r, 0.6, 2.6) * s, depth: 0 });
  let budget = 60;
  while (queue.length && budget-- > 0) {
    const c = queue.shift() as (typeof queue)[number];
    const pts = wander(r, c.x, c.y, c.h, c.len, 3 * s, 0.25, (t) => Math.max(0.45, c.w * (1 - 0.6 * t) * (0.8 + 0.4 * r())));
    stroke(cov, W, H, pts, Math.max(0.6, 0.5 * s));
    for (let k = 2; k < pts.length; k += 3) {
      const [x, y] = pts[k];
      if (r() < 0.12 && c.depth < 4) {
        const h = Math.atan2(pts[k][1] - pts[k - 1][1], pts[k][0] - pts[k - 1][0]) + (r() < 0.5 ? -1 : 1) * rand(r, 0.5, 1.3);
        queue.push({ x, y, h, len: c.len * rand(r, 0.25, 0.6), w: c.w * 0.7, depth: c.depth + 1 });
      }
      if (r() < 0.04) blob(cov, W, H, r, x, y, rand(r, 1.5, 6) * s, 0.8 * s, 0.6); // flake off the crack edge
    }
  }
}

function scratches(cov: Float32Array, W: number, H: number, r: Uniform, s: number, amount: number, broken = 0): void {
  const n = 1 + Math.floor(r() * 4 * amount);
  for (let i = 0; i < n; i++) {
    const wide = r() < 0.25;
    const w = (wide ? rand(r, 3, 7.5) : rand(r, 0.5, 2.2)) * s;
    const len = rand(r, 0.3, 1.2) * Math.max(W, H);
    const pts = wander(r, r() * W, r() * H, r() * 6.283, len, 8 * s, 0.02, (t) => w * (0.7 + 0.3 * Math.sin(t * 9 + i)));
    const soft = Math.max(0.7, 0.8 * s), peak = rand(r, 0.7, 1);
    if (broken > 0 && r() < broken) for (const dash of dashes(r, pts)) stroke(cov, W, H, dash, soft, peak);
    else stroke(cov, W, H, pts, soft, peak);
  }
}

/** A polyline (points 8 px apart at 1000 px) cut into dashes of 3–12 steps with gaps of 1–4 steps. */
function dashes<T>(r: Uniform, pts: T[]): T[][] {
  const out: T[][] = [];
  for (let k = Math.floor(r() * 3); k < pts.length - 1; ) {
    const on = 3 + Math.floor(r() * 10);
    out.push(pts.slice(k, k + on + 1));
    k += on + 1 + Math.floor(r() * 4);
  }
  return out;
}

function flaking(cov: Float32Array, W: number, H: number, r: Uniform, s: number, amount: number): void {
  const clusters = 1 + Math.floor(r() * 2 * amount);
  for (let c = 0; c < clusters; c++) {
    const cx = r() * W, cy = r() * H, spread = rand(r, 20, 90) * s;
    const n = 3 + Math.floor(r() * 12);
    for (let i = 0; i < n; i++) blob(cov, W, H, r, cx + gauss(r) * spread, cy + gauss(r) * spread, rand(r, 2, 22) * s, 0.8 * s, 0.7);
  }
}

function chips(cov: Float32Array, W: number, H: number, r: Uniform, s: number): void {
  const clusters = 1 + Math.floor(r() * 3);
  for (let c = 0; c < clusters; c++) {
    const cx = r() * W, cy = r() * H, spread = rand(r, 5, 60) * s;
    const n = 1 + Math.floor(r() * 6);
    for (let i = 0; i < n; i++) chip(cov, W, H, r, cx + gauss(r) * spread, cy + gauss(r) * spread, rand(r, 3, 30) * s, Math.max(0.5, 0.6 * s), rand(r, 0.25, 0.6));
  }
}

function dust(cov: Float32Array, W: number, H: number, r: Uniform, s: number, amount: number): void {
  const n = Math.floor(rand(r, 10, 80) * amount * (W * H) / (1e6 * s * s));
  for (let i = 0; i < n; i++) blob(cov, W, H, r, r() * W, r() * H, Math.max(0.6, rand(r, 0.5, 3.5) ** 1.3 * s), 0.6 * s, 0.5);
}

function hairs(cov: Float32Array, W: number, H: number, r: Uniform, s: number, amount: number): void {
  const n = 1 + Math.floor(r() * 4 * amount);
  for (let i = 0; i < n; i++) {
    const w = rand(r, 0.5, 1.3) * s;
    stroke(cov, W, H, wander(r, r() * W, r() * H, r() * 6.283, rand(r, 30, 250) * s, 2 * s, 0.18, () => w), 0.6 * s, rand(r, 0.6, 1));
  }
}

function foxing(cov: Float32Array, W: number, H: number, r: Uniform, s: number, amount: number): void {
  const n = Math.floor(rand(r, 5, 40) * amount);
  for (let i = 0; i < n; i++) blob(cov, W, H, r, r() * W, r() * H, rand(r, 1.5, 8) * s, rand(r, 1, 3) * s, 0.5, rand(r, 0.5, 0.9));
}

function stains(cov: Float32Array, W: number, H: number, r: Uniform, s: number): void {
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) blob(cov, W, H, r, r() * W, r() * H, rand(r, 40, 220) * s, rand(r, 20, 80) * s, 0.5, rand(r, 0.12, 0.35));
}

/** A fold: a thin bright ridge with a dark shadow beside it, nearly straight across the print. */
function crease(bright: Float32Array, dark: Float32Array, W: number, H: number, r: Uniform, s: number): void {
  const h = r() * 6.283;
  const pts = wander(r, r() * W, r() * H, h, Math.max(W, H) * 1.5, 10 * s, 0.015, () => rand(r, 0.6, 1.6) * s);
  const back = wander(r, pts[0][0], pts[0][1], h + Math.PI, Math.max(W, H) * 1.5, 10 * s, 0.015, () => rand(r, 0.6, 1.6) * s);
  const all = [...back.reverse(), ...pts];
  stroke(bright, W, H, all, 0.8 * s, rand(r, 0.6, 1));
  const off = rand(r, 1.5, 3) * s;
  const nx = -Math.sin(h) * off, ny = Math.cos(h) * off;
  stroke(dark, W, H, all.map(([x, y, w]) => [x + nx, y + ny, w * 0.8] as [number, number, number]), 1.2 * s, rand(r, 0.3, 0.6));
}

/** A torn or broken corner: a jagged polygon cut from one corner. */
function corner(cov: Float32Array, W: number, H: number, r: Uniform, s: number): void {
  const cx = r() < 0.5 ? 0 : W - 1, cy = r() < 0.5 ? 0 : H - 1;
  const a = rand(r, 30, 160) * s, b = rand(r, 30, 160) * s;
  for (let y = 0; y < H; y++) {
    const dy = Math.abs(y - cy);
    if (dy > b * 1.3) continue;
    for (let x = 0; x < W; x++) {
      const dx = Math.abs(x - cx);
      const jag = 1 + 0.12 * Math.sin(x * 0.7 / s) * Math.sin(y * 0.53 / s) + 0.05 * gauss(r);
      if (dx / a + dy / b < jag) cov[y * W + x] = 1;
    }
  }
}

/** Real film marks: a random crop of a hand-outlined mask, scaled so marks keep a plausible size. */
function film(cov: Float32Array, W: number, H: number, r: Uniform, s: number, marks: FilmMarks[]): void {
  const m = marks[Math.floor(r() * marks.length)];
  const k = rand(r, 1.5, 4) / s; // source px per target px (the scans are ~3600 dpi)
  const cw = Math.min(m.width - 1, W * k), ch = Math.min(m.height - 1, H * k);
  const ox = r() * (m.width - cw), oy = r() * (m.height - ch);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(m.height - 1, Math.floor(oy + (y * ch) / H));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(m.width - 1, Math.floor(ox + (x * cw) / W));
      if (m.data[sy * m.width + sx]) cov[y * W + x] = 1;
    }
  }
  const soft = boxBlur(cov, W, H, 1);
  for (let i = 0; i < cov.length; i++) cov[i] = Math.max(cov[i] * 0.9, soft[i]);
}

/** Draws a random mix of damage onto `photo` (RGB or grey); returns the damaged copy and its truth mask. */
export function generateDamage(photo: ImageBuffer, opts: GenerateOptions): DamagedImage {
  const { width: W, height: H, channels: C } = photo;
  const r = mulberry32(opts.seed);
  const s = opts.scale ?? Math.max(W, H) / 1000;
  const amount = opts.amount ?? 1;
  const kinds = [...(opts.kinds ?? pickKinds(r, !!opts.film?.length))];
  // paper colour: the brightest tones of the print, a little warmer
  const paper: [number, number, number] = [240, 232, 215].map((v) => v * rand(r, 0.9, 1.05)) as [number, number, number];
  const layers: Layer[] = [];
  const plane = (): Float32Array => new Float32Array(W * H);
  for (const kind of kinds) {
    const bright = r() < 0.7;
    const cov = plane();
    if (kind === 'cracks') cracks(cov, W, H, r, s, amount);
    else if (kind === 'scratches') scratches(cov, W, H, r, s, amount, opts.broken);
    else if (kind === 'flaking') flaking(cov, W, H, r, s, amount);
    else if (kind === 'dust') dust(cov, W, H, r, s, amount);
    else if (kind === 'hairs') hairs(cov, W, H, r, s, amount);
    else if (kind === 'foxing') foxing(cov, W, H, r, s, amount);
    else if (kind === 'stains') stains(cov, W, H, r, s);
    else if (kind === 'corners') corner(cov, W, H, r, s);
    else if (kind === 'film' && opts.film?.length) film(cov, W, H, r, s, opts.film);
    else if (kind === 'chips') chips(cov, W, H, r, s);
    if (kind === 'creases') {
      const dark = plane();
      crease(cov, dark, W, H, r, s);
      layers.push({ cov, rgb: tone(r, true, paper), damage: true, kind }, { cov: dark, rgb: tone(r, false, paper), damage: true, kind });
      continue;
    }
    const brown: [number, number, number] = [rand(r, 120, 170), rand(r, 80, 110), rand(r, 40, 70)];
    const rgb = kind === 'foxing' || kind === 'stains' ? brown : kind === 'corners' ? (r() < 0.6 ? [250, 250, 248] as [number, number, number] : [20, 20, 20] as [number, number, number]) : tone(r, kind === 'dust' || kind === 'hairs' ? r() < 0.4 : bright, paper);
    // (r() is drawn only when faint layers are asked for, so seeds without them keep their damage)
    const faint = !!opts.faint && FAINT_KINDS.has(kind) && r() < opts.faint;
    const shift = faint ? (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 128 ? 1 : -1) * rand(r, 12, 45) : undefined;
    layers.push({ cov, rgb, damage: kind !== 'stains', shift, kind });
  }
  if (opts.chips && r() < opts.chips) {
    const cov = plane();
    chips(cov, W, H, r, s);
    layers.push({ cov, rgb: tone(r, r() < 0.85, paper), damage: true, kind: 'chips' });
    kinds.push('chips');
  }
  const out = new Uint8Array(photo.data);
  const mask = new Uint8Array(W * H);
  const kindMap = opts.trace ? new Uint8Array(W * H) : undefined;
  const G = C >= 3;
  for (const L of layers) {
    const kindCode = 1 + kinds.indexOf(L.kind);
    const [lr, lg, lb] = L.rgb;
    const ll = 0.299 * lr + 0.587 * lg + 0.114 * lb;
    for (let i = 0; i < W * H; i++) {
      const a = L.cov[i];
      if (a <= 0.02) continue;
      const o = i * C;
      const before = G ? 0.299 * out[o] + 0.587 * out[o + 1] + 0.114 * out[o + 2] : out[o];
      if (L.shift !== undefined) {
        const d = L.shift * a;
        for (let c = 0; c < (G ? 3 : 1); c++) out[o + c] = Math.max(0, Math.min(255, Math.round(out[o + c] + d)));
        const after = G ? 0.299 * out[o] + 0.587 * out[o + 1] + 0.114 * out[o + 2] : out[o];
        if (a > 0.3 && Math.abs(after - before) >= VISIBLE) { mask[i] = 255; if (kindMap) kindMap[i] = kindCode; }
        continue;
      }
      const jitter = 1 + 0.04 * (r() - 0.5);
      if (G) {
        out[o] = Math.min(255, Math.round(out[o] * (1 - a) + lr * jitter * a));
        out[o + 1] = Math.min(255, Math.round(out[o + 1] * (1 - a) + lg * jitter * a));
        out[o + 2] = Math.min(255, Math.round(out[o + 2] * (1 - a) + lb * jitter * a));
      } else out[o] = Math.min(255, Math.round(out[o] * (1 - a) + ll * jitter * a));
      if (L.damage && a > 0.3 && Math.abs((ll - before) * a) >= VISIBLE) { mask[i] = 255; if (kindMap) kindMap[i] = kindCode; }
    }
  }
  return { image: { width: W, height: H, channels: C, data: out }, mask, kinds, ...(kindMap ? { kindMap } : {}) };
}

export interface AgeOptions {
  seed: number;
}

/**
 * Turns a clean photo into a plausible old print: monochrome, sepia or faded colour; lowered
 * contrast with a lifted black point; paper texture; slight blur; film grain. Returns RGB.
 */
export function agePhoto(photo: ImageBuffer, opts: AgeOptions): ImageBuffer {
  const { width: W, height: H, channels: C, data } = photo;
  const r = mulberry32(opts.seed);
  const style = r();
  const mode = style < 0.4 ? 'mono' : style < 0.75 ? 'sepia' : 'faded';
  const lo = rand(r, 0, 45), hi = rand(r, 200, 255);
  const sepia: [number, number, number] = [rand(r, 1.0, 1.12), rand(r, 0.9, 1.0), rand(r, 0.7, 0.85)];
  const blurR = r() < 0.4 ? 1 : 0;
  const lum = new Float32Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const o = i * C;
    lum[i] = C >= 3 ? 0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2] : data[o];
  }
  const texCell = Math.max(2, Math.round(Math.max(W, H) / 300));
  const noise = Float32Array.from({ length: W * H }, () => gauss(r));
  const paperTex = boxBlur(noise, W, H, texCell);
  const grainS = rand(r, 1, 7);
  const soft = boxBlur(lum, W, H, blurR);
  const out = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    const t = lo + ((hi - lo) * soft[i]) / 255 + paperTex[i] * 6 + gauss(r) * grainS;
    let rgb: [number, number, number];
    if (mode === 'mono') rgb = [t, t, t];
    else if (mode === 'sepia') rgb = [t * sepia[0], t * sepia[1], t * sepia[2]];
    else {
      const o = i * C;
      const k = 0.45; // keep a little of the original colour
      const c = C >= 3 ? [data[o], data[o + 1], data[o + 2]] : [data[o], data[o], data[o]];
      rgb = [t + k * (c[0] - lum[i]) + 12, t + k * (c[1] - lum[i]) + 4, t + k * (c[2] - lum[i]) - 14];
    }
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(rgb[c])));
  }
  return { width: W, height: H, channels: 3, data: out };
}

export const DAMAGE_KINDS: readonly DamageKind[] = ALL;
