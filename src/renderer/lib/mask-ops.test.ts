import { describe, expect, it } from 'vitest';
import { createMask, fillPolygon, fillRect, invertMask, isMaskEmpty, maskToRgba, mergeSelection, stampSegment } from './mask-ops';

const at = (m: ReturnType<typeof createMask>, x: number, y: number) => m.data[y * m.width + x]!;

describe('mask operations', () => {
  it('stamps a hard round brush segment and reports the touched rectangle', () => {
    const m = createMask(100, 80);
    const r = stampSegment(m, { x: 20, y: 40 }, { x: 60, y: 40 }, 5, 1, false)!;
    expect(r.x).toBeLessThanOrEqual(14);
    expect(r.x + r.width).toBeGreaterThanOrEqual(66);
    expect(at(m, 20, 40)).toBe(255);
    expect(at(m, 40, 43)).toBe(255);
    expect(at(m, 40, 47)).toBe(0);
    expect(at(m, 70, 40)).toBe(0);
    // Erasing a dot in the middle clears it.
    stampSegment(m, { x: 40, y: 40 }, { x: 40, y: 40 }, 3, 1, true);
    expect(at(m, 40, 40)).toBe(0);
    expect(at(m, 30, 40)).toBe(255);
  });

  it('feathers soft brushes towards the edge', () => {
    const m = createMask(60, 60);
    stampSegment(m, { x: 30, y: 30 }, { x: 30, y: 30 }, 20, 0.5, false);
    expect(at(m, 30, 30)).toBe(255);
    const mid = at(m, 30 + 15, 30);
    expect(mid).toBeGreaterThan(0);
    expect(mid).toBeLessThan(255);
    expect(at(m, 30 + 21, 30)).toBe(0);
  });

  it('fills rectangles and polygons and inverts', () => {
    const m = createMask(50, 50);
    fillRect(m, { x: 30, y: 10 }, { x: 10, y: 20 }, 255);
    expect(at(m, 10, 10)).toBe(255);
    expect(at(m, 29, 19)).toBe(255);
    expect(at(m, 30, 20)).toBe(0);
    const tri = createMask(50, 50);
    fillPolygon(tri, [{ x: 0, y: 0 }, { x: 40, y: 0 }, { x: 0, y: 40 }], 255);
    expect(at(tri, 5, 5)).toBe(255);
    expect(at(tri, 30, 30)).toBe(0);
    invertMask(tri);
    expect(at(tri, 5, 5)).toBe(0);
    expect(at(tri, 30, 30)).toBe(255);
    expect(isMaskEmpty(createMask(7, 3))).toBe(true);
    expect(isMaskEmpty(tri)).toBe(false);
  });

  it('upsamples a working-resolution selection into the full mask', () => {
    const m = createMask(40, 40);
    const sel = new Uint8Array(100);
    sel[5 * 10 + 5] = 1; // working 10×10 → each working pixel is 4×4 full pixels
    mergeSelection(m, sel, 10, 10, { x: 5, y: 5, width: 1, height: 1 }, 'add');
    expect(at(m, 20, 20)).toBe(255);
    expect(at(m, 23, 23)).toBe(255);
    expect(at(m, 24, 24)).toBe(0);
    expect(at(m, 19, 20)).toBe(0);
  });

  it('encodes to opaque grey RGBA', () => {
    const m = createMask(2, 1);
    m.data[1] = 200;
    expect([...maskToRgba(m)]).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
  });
});
