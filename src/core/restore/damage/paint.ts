// Soft-edged painting primitives for the synthetic damage generator: everything is drawn into a
// float coverage plane (0..1) first, so one damage layer can be composited with its own tone and
// its ground-truth mask derived from the same coverage.
import type { Uniform } from '../../random';

export function gauss(r: Uniform): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Max-stamps a soft disc of radius `rad` (edge softness `soft` px) into `cov`. */
export function disc(cov: Float32Array, W: number, H: number, cx: number, cy: number, rad: number, soft: number, peak = 1): void {
  const R = rad + soft;
  const x0 = Math.max(0, Math.floor(cx - R)), x1 = Math.min(W - 1, Math.ceil(cx + R));
  const y0 = Math.max(0, Math.floor(cy - R)), y1 = Math.min(H - 1, Math.ceil(cy + R));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const a = d <= rad ? peak : soft > 0 ? peak * Math.max(0, 1 - (d - rad) / soft) : 0;
      const i = y * W + x;
      if (a > cov[i]) cov[i] = a;
    }
  }
}

/** A polyline of soft discs with per-vertex radius (stamped every ≤ 0.5 px). */
export function stroke(cov: Float32Array, W: number, H: number, pts: ReadonlyArray<readonly [number, number, number]>, soft: number, peak = 1): void {
  for (let k = 0; k + 1 < pts.length; k++) {
    const [ax, ay, ar] = pts[k], [bx, by, br] = pts[k + 1];
    const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) * 2));
    for (let s = 0; s <= n; s++) {
      const t = s / n;
      disc(cov, W, H, ax + (bx - ax) * t, ay + (by - ay) * t, ar + (br - ar) * t, soft, peak);
    }
  }
}

/** A wandering path: heading drifts by `wiggle` rad per step of `step` px. Radius from `radius(t)`. */
export function wander(r: Uniform, x: number, y: number, heading: number, length: number, step: number, wiggle: number, radius: (t: number) => number): Array<[number, number, number]> {
  const pts: Array<[number, number, number]> = [];
  const n = Math.max(2, Math.round(length / step));
  for (let i = 0; i <= n; i++) {
    pts.push([x, y, radius(i / n)]);
    heading += gauss(r) * wiggle;
    x += Math.cos(heading) * step;
    y += Math.sin(heading) * step;
  }
  return pts;
}

/** An irregular blob (flake, stain, spot): a disc whose radius varies smoothly with angle. */
export function blob(cov: Float32Array, W: number, H: number, r: Uniform, cx: number, cy: number, rad: number, soft: number, rough = 0.35, peak = 1): void {
  const harm = [0, 0, 0, 0].map(() => ({ a: (r() - 0.5) * rough, p: r() * 6.283 }));
  const R = rad * (1 + rough) + soft;
  const x0 = Math.max(0, Math.floor(cx - R)), x1 = Math.min(W - 1, Math.ceil(cx + R));
  const y0 = Math.max(0, Math.floor(cy - R)), y1 = Math.min(H - 1, Math.ceil(cy + R));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const th = Math.atan2(y - cy, x - cx);
      let f = 1;
      harm.forEach((h, k) => { f += h.a * Math.sin((k + 2) * th + h.p); });
      const rr = rad * f;
      const d = Math.hypot(x - cx, y - cy);
      const a = d <= rr ? peak : soft > 0 ? peak * Math.max(0, 1 - (d - rr) / soft) : 0;
      const i = y * W + x;
      if (a > cov[i]) cov[i] = a;
    }
  }
}

/** Separable box blur of a float plane (radius r), used for grain, blur and soft stains. */
export function boxBlur(src: Float32Array, W: number, H: number, r: number): Float32Array {
  if (r < 1) return src;
  const tmp = new Float32Array(W * H), out = new Float32Array(W * H);
  const n = 2 * r + 1;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    let s = 0;
    for (let x = -r; x <= r; x++) s += src[row + Math.min(W - 1, Math.max(0, x))];
    for (let x = 0; x < W; x++) {
      tmp[row + x] = s / n;
      s += src[row + Math.min(W - 1, x + r + 1)] - src[row + Math.max(0, x - r)];
    }
  }
  for (let x = 0; x < W; x++) {
    let s = 0;
    for (let y = -r; y <= r; y++) s += tmp[Math.min(H - 1, Math.max(0, y)) * W + x];
    for (let y = 0; y < H; y++) {
      out[y * W + x] = s / n;
      s += tmp[Math.min(H - 1, y + r + 1) * W + x] - tmp[Math.max(0, y - r) * W + x];
    }
  }
  return out;
}

/**
 * An emulsion chip: a jagged polygon of 6–12 vertices (radii `rad`·(1 − jag·u)), sometimes
 * elongated, with straight edges between vertices and a hard edge (`soft` px), as a flake of
 * emulsion breaks off a print. `blob`'s smooth harmonics make rounded or petal shapes instead.
 */
export function chip(cov: Float32Array, W: number, H: number, r: Uniform, cx: number, cy: number, rad: number, soft: number, jag = 0.5): void {
  const K = 6 + Math.floor(r() * 7);
  const radii = Array.from({ length: K }, () => rad * (1 - jag * r()));
  const elong = 1 + 1.5 * r() * r(), ang = r() * Math.PI;
  const ca = Math.cos(ang), sa = Math.sin(ang);
  const R = rad * elong + soft;
  const x0 = Math.max(0, Math.floor(cx - R)), x1 = Math.min(W - 1, Math.ceil(cx + R));
  const y0 = Math.max(0, Math.floor(cy - R)), y1 = Math.min(H - 1, Math.ceil(cy + R));
  const step = (2 * Math.PI) / K;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x - cx, dy = y - cy;
      const u = (dx * ca + dy * sa) / elong, v = -dx * sa + dy * ca;
      const phi = Math.atan2(v, u); // vertex k sits at angle k·step − π
      const k = Math.min(K - 1, Math.floor((phi + Math.PI) / step));
      // distance to the edge between vertices k and k+1 along this ray (a straight chord)
      const a0 = k * step - Math.PI, a1 = a0 + step;
      const p0x = radii[k] * Math.cos(a0), p0y = radii[k] * Math.sin(a0);
      const p1x = radii[(k + 1) % K] * Math.cos(a1), p1y = radii[(k + 1) % K] * Math.sin(a1);
      const ex = p1x - p0x, ey = p1y - p0y;
      const rx = Math.cos(phi), ry = Math.sin(phi);
      const den = rx * ey - ry * ex;
      const edge = Math.abs(den) > 1e-9 ? (p0x * ey - p0y * ex) / den : radii[k];
      const d = Math.hypot(u, v) - edge;
      const a = d <= 0 ? 1 : soft > 0 ? Math.max(0, 1 - d / soft) : 0;
      const i = y * W + x;
      if (a > cov[i]) cov[i] = a;
    }
  }
}
