// Broken straight scratches. A scratch dragged along a film strip or across a print is straight but
// often broken: dashes with gaps where the emulsion held. The U-Net scores every dash about the
// same, and only the few over its seed threshold are kept, so a scratch across a face came out as
// a line of dashes with most of it left (held-out film scans, BENCHMARKS.md issue 13). A dash the
// network is fairly sure of (prob ≥ floor) that lies on the axis of a kept straight mark, within a
// gap of its end, continues that mark.
import { hysteresisComponents, majorLength, type Blob } from './morph';

export interface DashParams {
  /** probability (0..255) a dash's pixels need */
  floor: number;
  /** least length (working px) of a kept mark whose axis is followed */
  minLength: number;
  /** its greatest mean width (area ÷ length, working px): only thin, straight marks have an axis */
  maxWidth: number;
  /** greatest distance of a dash pixel from the axis, beyond the mark's half width (working px) */
  offAxis: number;
  /** greatest gap along the axis between the line so far and a dash (working px) */
  gap: number;
}

/**
 * Pixels (working-scale indices) of the dashes that continue the straight marks among `kept`;
 * `taken` marks pixels already in the mask (they are never returned).
 */
export function continueDashes(kept: Blob[], prob: Uint8Array, taken: Uint8Array, w: number, h: number, p: DashParams): number[] {
  const cand = new Uint8Array(w * h);
  for (let i = 0; i < cand.length; i++) if (prob[i] >= p.floor && !taken[i]) cand[i] = 1;
  const dashes = hysteresisComponents(cand, cand, w, h, w * h);
  const used = new Uint8Array(dashes.length);
  const out: number[] = [];
  for (const line of kept) {
    const len = majorLength(line);
    if (len < p.minLength || line.pixels.length / len > p.maxWidth) continue;
    // straight: the mark's pixels all lie near its principal axis
    const a = 0.5 * Math.atan2(2 * line.cxy, line.cxx - line.cyy);
    const ux = Math.cos(a), uy = Math.sin(a);
    const along = (q: number): number => ((q % w) - line.cx) * ux + (((q / w) | 0) - line.cy) * uy;
    const across = (q: number): number => Math.abs(-((q % w) - line.cx) * uy + (((q / w) | 0) - line.cy) * ux);
    let half = 0, t0 = Infinity, t1 = -Infinity;
    for (const q of line.pixels) {
      half = Math.max(half, across(q));
      const t = along(q);
      t0 = Math.min(t0, t); t1 = Math.max(t1, t);
    }
    if (half > p.maxWidth) continue; // curved: no single axis
    const reach = half + p.offAxis;
    for (let grew = true; grew; ) {
      grew = false;
      dashes.forEach((d, i) => {
        if (used[i]) return;
        let d0 = Infinity, d1 = -Infinity;
        for (const q of d.pixels) {
          if (across(q) > reach) return;
          const t = along(q);
          d0 = Math.min(d0, t); d1 = Math.max(d1, t);
        }
        if (d0 - t1 > p.gap || t0 - d1 > p.gap) return;
        used[i] = 1;
        grew = true;
        t0 = Math.min(t0, d0); t1 = Math.max(t1, d1);
        for (const q of d.pixels) out.push(q);
      });
    }
  }
  return out;
}
