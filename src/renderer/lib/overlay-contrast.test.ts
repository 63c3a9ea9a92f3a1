import { describe, expect, it } from 'vitest';
import { createMask } from './mask-ops';
import { DEFAULT_OVERLAY, contrastingOverlay, samplesUnderMask } from './overlay-contrast';

function flat(w: number, h: number, rgb: [number, number, number], object?: { rgb: [number, number, number]; x0: number; x1: number }) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const c = object && x >= object.x0 && x < object.x1 ? object.rgb : rgb;
    data.set([...c, 255], (y * w + x) * 4);
  }
  return { width: w, height: h, data };
}

describe('automatic overlay colour (issue 15.11)', () => {
  it('keeps the default red on green, and moves away from red on a red object', () => {
    expect(contrastingOverlay(samplesUnderMask(flat(64, 48, [60, 140, 70]), null))).toBe(DEFAULT_OVERLAY);
    const img = flat(64, 48, [60, 140, 70], { rgb: [200, 30, 40], x0: 10, x1: 30 });
    const mask = createMask(128, 96);
    for (let y = 0; y < 96; y++) for (let x = 20; x < 60; x++) mask.data[y * 128 + x] = 255; // the red object, at mask resolution
    const chosen = contrastingOverlay(samplesUnderMask(img, mask));
    expect(chosen).not.toBe(DEFAULT_OVERLAY);
  });
});
