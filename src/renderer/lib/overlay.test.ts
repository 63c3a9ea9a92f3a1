import { describe, expect, it } from 'vitest';
import { createMask, fillRect } from './mask-ops';
import { imageRectToDevice, parseHexColour, renderOverlayRect } from './overlay';

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

  it('parses overlay colours', () => {
    expect(parseHexColour('#00ff80')).toEqual([0, 255, 128]);
    expect(parseHexColour('nope')).toEqual([255, 64, 96]);
  });
});
