import { describe, expect, it } from 'vitest';
import { growRegion, type WorkingImage } from '../region';
import { segmentObject } from './grabcut';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A textured background with a red disc whose upper-left carries a bright highlight (issue 15.10's "red tank"). */
function scene(w: number, h: number, cx: number, cy: number, r: number): { img: WorkingImage; truth: Uint8Array } {
  const rand = rng(7);
  const data = new Uint8ClampedArray(w * h * 4);
  const truth = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
      truth[y * w + x] = inside ? 1 : 0;
      const n = (rand() - 0.5) * 40;
      if (inside) {
        const hl = Math.max(0, 1 - Math.hypot(x - (cx - r * 0.4), y - (cy - r * 0.4)) / (r * 0.35));
        data[o] = 170 + n * 0.5 + 80 * hl; data[o + 1] = 30 + n * 0.5 + 200 * hl; data[o + 2] = 35 + n * 0.5 + 200 * hl;
      } else {
        // Grass-and-earth stripes: more colours than the object, none of them red.
        const stripe = Math.floor(x / 23 + y / 31) % 3;
        data[o] = [70, 120, 90][stripe]! + n; data[o + 1] = [120, 100, 140][stripe]! + n; data[o + 2] = [60, 80, 150][stripe]! + n;
      }
      data[o + 3] = 255;
    }
  }
  return { img: { width: w, height: h, data }, truth };
}

function iou(sel: Uint8Array, truth: Uint8Array): number {
  let inter = 0, union = 0;
  for (let i = 0; i < truth.length; i++) {
    if (sel[i] && truth[i]) inter++;
    if (sel[i] || truth[i]) union++;
  }
  return inter / union;
}

describe('segmentObject (GrabCut from a click)', () => {
  const { img, truth } = scene(600, 400, 330, 210, 90);
  const highlight = { x: 330 - 36, y: 210 - 36 };

  it('selects the whole object when clicked on its highlight, where colour region growing takes only the highlight', () => {
    const r = segmentObject(img, { seed: highlight });
    expect(r).not.toBeNull();
    expect(iou(r!.selected, truth)).toBeGreaterThan(0.9);
    const old = growRegion(img, highlight.x, highlight.y, { tolerance: 30, grow: 2 })!;
    expect(iou(old.selected, truth)).toBeLessThan(0.5);
  });

  it('honours a dragged box and grow/shrink', () => {
    const box = { x: 220, y: 100, width: 220, height: 220 };
    const r = segmentObject(img, { seed: { x: 330, y: 210 }, box })!;
    expect(iou(r.selected, truth)).toBeGreaterThan(0.9);
    const grown = segmentObject(img, { seed: { x: 330, y: 210 }, box, grow: 4 })!;
    expect(grown.count).toBeGreaterThan(r.count);
  });

  it('returns null for a click outside the image', () => {
    expect(segmentObject(img, { seed: { x: -1, y: 5 } })).toBeNull();
  });
});
