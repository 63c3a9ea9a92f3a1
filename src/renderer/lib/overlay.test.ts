import { describe, expect, it } from 'vitest';
import { createMask, fillRect } from './mask-ops';
import { imageRectToDevice, parseHexColour, renderOverlayLayers, renderOverlayRect } from './overlay';

describe('overlay rendering', () => {
  it('samples the full-resolution mask through the view into a device rectangle', () => {
    const mask = createMask(100, 100);
    fillRect(mask, { x: 10, y: 10 }, { x: 20, y: 20 }, 255);
    const view = { scale: 2, x: 5, y: 0 }; // 200 % zoom, shifted right by 5 px
    const dev = imageRectToDevice({ x: 10, y: 10, width: 10, height: 10 }, view, 1, 400, 400)!;
    expect(dev.x).toBeLessThanOrEqual(25);
    expect(dev.x + dev.width).toBeGreaterThanOrEqual(45);
    const out = new Uint8ClampedArray(dev.width * dev.height * 4);
    renderOverlayRect(out, dev, mask, view, 1, { colour: [255, 0, 0], opacity: 0.5 });
    const alphaAt = (sx: number, sy: number) => out[((sy - dev.y) * dev.width + (sx - dev.x)) * 4 + 3];
    expect(alphaAt(26, 21)).toBe(128); // image (10.75, 10.75): painted
    expect(alphaAt(44, 39)).toBe(128); // image (19.75, 19.75): painted
    expect(alphaAt(46, 30)).toBe(0); // image (20.25, 15): not painted
    expect(out[((21 - dev.y) * dev.width + (26 - dev.x)) * 4]).toBe(255);
  });

  it('composites the hole over the source area, each keeping its own tint elsewhere', () => {
    const source = createMask(8, 1);
    const hole = createMask(8, 1);
    fillRect(source, { x: 0, y: 0 }, { x: 6, y: 1 }, 255); // x 0..5
    fillRect(hole, { x: 4, y: 0 }, { x: 8, y: 1 }, 255); // x 4..7
    const dev = { x: 0, y: 0, width: 8, height: 1 };
    const out = new Uint8ClampedArray(8 * 4);
    const view = { scale: 1, x: 0, y: 0 };
    renderOverlayLayers(out, dev, [
      { mask: source, style: { colour: [0, 200, 0], opacity: 0.5 } },
      { mask: hole, style: { colour: [255, 0, 0], opacity: 0.5 } },
    ], view, 1);
    const px = (x: number) => Array.from(out.slice(x * 4, x * 4 + 4));
    expect(px(1)).toEqual([0, 200, 0, 128]); // source only
    expect(px(6)).toEqual([255, 0, 0, 128]); // hole only
    const both = px(4); // hole over source: mostly red, more opaque than either
    expect(both[0]).toBeGreaterThan(150);
    expect(both[1]).toBeGreaterThan(0);
    expect(both[3]).toBe(192);
    // One layer renders exactly like renderOverlayRect.
    const single = new Uint8ClampedArray(8 * 4);
    renderOverlayLayers(single, dev, [{ mask: hole, style: { colour: [255, 0, 0], opacity: 0.5 } }], view, 1);
    const direct = new Uint8ClampedArray(8 * 4);
    renderOverlayRect(direct, dev, hole, view, 1, { colour: [255, 0, 0], opacity: 0.5 });
    expect(single).toEqual(direct);
  });

  it('parses overlay colours', () => {
    expect(parseHexColour('#00ff80')).toEqual([0, 255, 128]);
    expect(parseHexColour('nope')).toEqual([255, 64, 96]);
  });
});
