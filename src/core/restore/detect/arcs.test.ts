import { describe, expect, it } from 'vitest';
import type { ImageBuffer } from '../../image/types';
import { Rng } from '../../random';
import { clearCircleArcs, fitCircle } from './arcs';

/**
 * A grey print with grain σ 3 (`size` px square, features scaled by `k`); optionally a disc of
 * radius 40k darker than its surroundings (a dial; a function shows it only at the angles where it
 * returns true, the rest of the dial having the surroundings' tone); and the mark.
 */
function scene(k: number, disc: boolean | ((angle: number) => boolean), mark: (x: number, y: number) => boolean): { image: ImageBuffer; mask: Uint8Array } {
  const size = 160 * k, c = 80 * k;
  const rng = new Rng(7);
  const data = new Uint8Array(size * size * 3);
  const mask = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const shown = typeof disc === 'function' ? disc(Math.atan2(y - c, x - c)) : disc;
      const inDisc = shown && Math.hypot(x - c, y - c) < 40 * k;
      const on = mark(x, y);
      const v = on ? 230 : (inDisc ? 90 : 140) + 3 * rng.normal();
      data.fill(Math.max(0, Math.min(255, Math.round(v))), (y * size + x) * 3, (y * size + x) * 3 + 3);
      if (on) mask[y * size + x] = 255;
    }
  }
  return { image: { width: size, height: size, channels: 3, data }, mask };
}

/** The band of radius 40k ± 2k around the centre between angles from..to. */
const arc = (k: number, from: number, to: number) => (x: number, y: number): boolean => {
  const c = 80 * k, r = Math.hypot(x - c, y - c), a = Math.atan2(y - c, x - c);
  return Math.abs(r - 40 * k) <= 2 * k && a >= from && a <= to;
};

const count = (m: Uint8Array): number => m.reduce((n, v) => n + (v ? 1 : 0), 0);

describe('circle arcs', () => {
  it('fits a circle through points on it', () => {
    const xs: number[] = [], ys: number[] = [];
    for (let a = 0; a < 1.5; a += 0.05) { xs.push(30 + 25 * Math.cos(a)); ys.push(-10 + 25 * Math.sin(a)); }
    const c = fitCircle(xs, ys);
    expect(c).not.toBeNull();
    expect(c!.cx).toBeCloseTo(30, 6);
    expect(c!.cy).toBeCloseTo(-10, 6);
    expect(c!.r).toBeCloseTo(25, 6);
    expect(fitCircle([0, 1, 2, 3], [0, 1, 2, 3])).toBeNull();
  });

  it('leaves to the photo a lit arc on the rim of a dial whose edge goes on round', () => {
    const { image, mask } = scene(1, true, arc(1, -0.3, 1.2));
    const wide = new Uint8Array(mask);
    expect(count(mask)).toBeGreaterThan(100);
    expect(clearCircleArcs(image, mask, wide, 1)).toBe(1);
    expect(count(mask)).toBe(0);
    expect(count(wide)).toBe(0);
  });

  it('judges a print scanned at twice the size alike', () => {
    const { image, mask } = scene(2, true, arc(2, -0.3, 1.2));
    expect(clearCircleArcs(image, mask, null, 2)).toBe(1);
  });

  it('keeps a curved scratch whose circle the photo does not draw, and a straight one', () => {
    const curved = scene(1, false, arc(1, -0.3, 1.2));
    expect(clearCircleArcs(curved.image, curved.mask, null, 1)).toBe(0);
    const straight = scene(1, true, (x, y) => Math.abs(y - 0.3 * x - 20) <= 2 && x > 20 && x < 140);
    expect(clearCircleArcs(straight.image, straight.mask, null, 1)).toBe(0);
    expect(count(straight.mask)).toBeGreaterThan(100);
  });

  it('leaves the arc when the dial shows against its surroundings round under half of the rest, not round a quarter', () => {
    // the mark covers −0.3..1.2 rad; the rule reads the rest from 1.2 + 5° to 2π − 0.3 − 5° (4.61 rad)
    const from = 1.2 + Math.PI / 36, span = 2 * Math.PI - 1.5 - Math.PI / 18;
    const shownFrom = (share: number) => (a: number): boolean => ((a + 2 * Math.PI) % (2 * Math.PI)) < from + share * span;
    const half = scene(1, shownFrom(0.45), arc(1, -0.3, 1.2));
    expect(clearCircleArcs(half.image, half.mask, null, 1)).toBe(1);
    const quarter = scene(1, shownFrom(0.25), arc(1, -0.3, 1.2));
    expect(clearCircleArcs(quarter.image, quarter.mask, null, 1)).toBe(0);
  });

  it('finds the dial for a short arc whose own pixels fit a tighter circle', () => {
    // a 40° arc of the rim whose ends bend 3 px inward, as a highlight's may: fitted alone, the mark
    // gives a circle too small, which misses the rim round the rest of the dial
    const bent = (x: number, y: number): boolean => {
      const r = Math.hypot(x - 80, y - 80), a = Math.atan2(y - 80, x - 80);
      return Math.abs(a) <= 0.35 && Math.abs(r - 38.5 - 3 * Math.cos((a / 0.35) * (Math.PI / 2)) ** 2) <= 2;
    };
    const { image, mask } = scene(1, true, bent);
    expect(clearCircleArcs(image, mask, null, 1)).toBe(1);
  });

  it('keeps a small curl (a hair) even on a small disc', () => {
    // radius 8: too short a circle to read
    const { image, mask } = scene(1, false, (x, y) => Math.abs(Math.hypot(x - 80, y - 80) - 8) <= 2 && y < 84);
    expect(clearCircleArcs(image, mask, null, 1)).toBe(0);
  });
});
