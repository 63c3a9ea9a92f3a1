// Imported inpainters in core: the declared I/O read from the file, the preset check, and the
// 'onnx' engine on tiny models with each preset's signature that paint the hole one colour.
import { describe, expect, it } from 'vitest';
import { inspectOnnx, OnnxFileError } from '../../onnx/inspect';
import { inpaint } from '../index';
import type { ImageBuffer, MaskBuffer } from '../../image/types';
import { resolveSignature, type InpainterSignature } from './signature';
import { customModel, lamaLikeModel, miganLikeModel, type Rgb } from '../../../../test/fixtures/onnx-inpainters';
import { sha256Hex } from '../../library';
import { planFeed } from './feed';

const RED: Rgb = [200, 30, 40];

function photo(w: number, h: number, channels: 1 | 3 = 3): ImageBuffer {
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < channels; c++) data[(y * w + x) * channels + c] = (x * 3 + y * 2 + c * 50) % 256;
  return { width: w, height: h, channels, data };
}

function rectMask(w: number, h: number, x0: number, y0: number, x1: number, y1: number): MaskBuffer {
  const data = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * w + x] = 255;
  return { width: w, height: h, data };
}

const model = (bytes: Uint8Array, preset: 'lama-512' | 'migan-512' | 'custom', custom = {}): { sha256: string; bytes: Uint8Array; signature: InpainterSignature } => ({
  sha256: sha256Hex(bytes), bytes, signature: resolveSignature(inspectOnnx(bytes, 'm.onnx'), 'm.onnx', preset, custom),
});

describe('reading what an ONNX file declares', () => {
  it('reads inputs, outputs, dtypes and symbolic dimensions', () => {
    const lama = inspectOnnx(lamaLikeModel(RED), 'lama.onnx');
    expect(lama.inputs.map((i) => [i.name, i.dtype, i.dims])).toEqual([['image', 'float32', [1, 3, 512, 512]], ['mask', 'float32', [1, 1, 512, 512]]]);
    expect(lama.outputs[0]).toMatchObject({ name: 'output', dtype: 'float32', dims: [1, 3, 512, 512] });
    const migan = inspectOnnx(miganLikeModel(RED), 'migan.onnx');
    expect(migan.inputs[0]).toEqual({ name: 'image', dtype: 'uint8', dims: ['batch_size', 3, 'height', 'width'] });
    expect(migan.outputs[0]).toMatchObject({ name: 'result', dtype: 'uint8' });
  });

  it('tells a non-ONNX file from a cut-off one', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(() => inspectOnnx(png, 'x.onnx')).toThrow(expect.objectContaining({ code: 'NOT_ONNX' }) as Error);
    expect(() => inspectOnnx(new TextEncoder().encode('{"not": "onnx"}'), 'x.onnx')).toThrow(OnnxFileError);
    const bytes = lamaLikeModel(RED);
    expect(() => inspectOnnx(bytes.subarray(0, Math.floor(bytes.length / 2)), 'half.onnx')).toThrow(expect.objectContaining({ code: 'TRUNCATED', message: expect.stringContaining('half.onnx: the ONNX file is cut off') }) as Error);
  });
});

describe('checking a model against a preset', () => {
  it('accepts each preset with its own signature and records the convention', () => {
    const lama = model(lamaLikeModel(RED), 'lama-512').signature;
    expect(lama).toMatchObject({ preset: 'lama-512', dtype: 'float32', maskPolarity: 'hole-high', outputRange: 'auto', feed: { fixed: true, width: 512, height: 512 }, names: { image: 'image', mask: 'mask', output: 'output' } });
    const migan = model(miganLikeModel(RED), 'migan-512').signature;
    expect(migan).toMatchObject({ preset: 'migan-512', dtype: 'uint8', maskPolarity: 'hole-low', outputRange: '0-255', feed: { fixed: true, width: 512 } });
    const custom = model(customModel(RED), 'custom', { channels: 'bgr', imageRange: '-1-1', maskPolarity: 'hole-low', outputRange: '-1-1', maxSide: 256, multiple: 16 }).signature;
    expect(custom).toMatchObject({ feed: { fixed: false, maxSide: 256, multiple: 16 }, names: { image: 'input_bgr', mask: 'known', output: 'restored' } });
  });

  it('refuses a mismatch naming the expected and the found shapes', () => {
    const small = inspectOnnx(lamaLikeModel(RED, { side: 256 }), 'lama256.onnx');
    expect(() => resolveSignature(small, 'lama256.onnx', 'lama-512')).toThrow(
      'lama256.onnx does not match preset lama-512: expected inputs image [1,3,512,512] float32, mask [1,1,512,512] float32; output [1,3,512,512] float32; found inputs image [1,3,256,256] float32, mask [1,1,256,256] float32; outputs output [1,3,256,256] float32 (image height is 256, expected 512',
    );
    const lama = inspectOnnx(lamaLikeModel(RED), 'lama.onnx');
    expect(() => resolveSignature(lama, 'lama.onnx', 'migan-512')).toThrow(/image is float32, expected uint8/);
    const migan = inspectOnnx(miganLikeModel(RED), 'migan.onnx');
    expect(() => resolveSignature(migan, 'migan.onnx', 'lama-512')).toThrow(/expected inputs image \[1,3,512,512\] float32.*found inputs image \[batch_size,3,height,width\] uint8/);
    expect(() => resolveSignature(migan, 'migan.onnx', 'custom', { imageRange: '0-1' })).toThrow(/a uint8 model takes images in 0-255/);
  });
});

describe("the 'onnx' engine", () => {
  /** hole pixels 2 px or more inside the hole (its rim mixes with the photo when the crop was resized) */
  const holeAndRest = (out: ImageBuffer, src: ImageBuffer, mask: MaskBuffer): { hole: number[][]; changedOutside: number } => {
    const hole: number[][] = [];
    let changedOutside = 0;
    const W = mask.width;
    const inner = (p: number): boolean => [-2, 0, 2].every((dy) => [-2, 0, 2].every((dx) => mask.data[p + dy * W + dx] !== 0));
    for (let p = 0; p < mask.data.length; p++) {
      const px = Array.from(out.data.subarray(p * out.channels, (p + 1) * out.channels));
      if (mask.data[p]) { if (inner(p)) hole.push(px); }
      else if (px.some((v, c) => v !== src.data[p * src.channels + c])) changedOutside++;
    }
    return { hole, changedOutside };
  };

  for (const [preset, bytes, custom] of [
    ['lama-512', lamaLikeModel(RED), {}],
    ['lama-512', lamaLikeModel(RED, { outputRange: '0-1' }), {}],
    ['migan-512', miganLikeModel(RED), {}],
    ['custom', customModel(RED), { channels: 'bgr', imageRange: '-1-1', maskPolarity: 'hole-low', outputRange: '-1-1' }],
    ['custom', customModel(RED, 64), { channels: 'bgr', imageRange: '-1-1', maskPolarity: 'hole-low', outputRange: '-1-1' }],
  ] as const) {
    it(`${preset}${preset === 'custom' ? ' (bgr, −1..1, 0 = fill)' : ''}: the hole gets the model's colour, every other pixel is untouched`, async () => {
      const img = photo(128, 128);
      const mask = rectMask(128, 128, 40, 50, 70, 72);
      const m = model(bytes, preset, custom);
      const r = await inpaint(img, mask, { engine: 'onnx', blend: 'off', onnx: { model: m } });
      const { hole, changedOutside } = holeAndRest(r.image, img, mask);
      expect(changedOutside).toBe(0);
      for (const px of hole) for (let c = 0; c < 3; c++) expect(Math.abs(px[c] - RED[c])).toBeLessThanOrEqual(1);
      expect(r.engine).toBe('onnx');
      expect(r.onnx?.provider).toBeTruthy();
      expect(r.onnx?.crops).toHaveLength(1);
    });
  }

  it('detects a LaMa export that returns 0..1 and one that returns 0..255', async () => {
    const img = photo(128, 128);
    const mask = rectMask(128, 128, 10, 10, 20, 20);
    const a = await inpaint(img, mask, { engine: 'onnx', blend: 'off', onnx: { model: model(lamaLikeModel(RED, { outputRange: '0-1' }), 'lama-512') } });
    const b = await inpaint(img, mask, { engine: 'onnx', blend: 'off', onnx: { model: model(lamaLikeModel(RED), 'lama-512') } });
    expect(a.onnx?.crops[0].outputRange).toBe('0-1');
    expect(b.onnx?.crops[0].outputRange).toBe('0-255');
  });

  it('keeps aspect with padding, works on grey photos and Poisson-blends like the other engines', async () => {
    const img = photo(300, 90, 1);
    const mask = rectMask(300, 90, 100, 30, 160, 60);
    const r = await inpaint(img, mask, { engine: 'onnx', onnx: { model: model(miganLikeModel(RED), 'migan-512') } });
    const { changedOutside } = holeAndRest(r.image, img, mask);
    expect(changedOutside).toBe(0);
    expect(r.onnx?.crops[0]).toMatchObject({ crop: { w: 300, h: 90 }, input: { width: 512, height: 512 } });
    const plan = planFeed(300, 90, model(miganLikeModel(RED), 'migan-512').signature);
    expect([plan.sw, plan.sh]).toEqual([512, 154]);
  });

  it('crops around each hole with IOPaint-like context and downscales only big crops', async () => {
    const img = photo(1600, 900);
    const mask = rectMask(1600, 900, 100, 100, 120, 130);
    for (let y = 300; y < 800; y++) for (let x = 700; x < 1500; x++) mask.data[y * 1600 + x] = 255;
    const r = await inpaint(img, mask, { engine: 'onnx', blend: 'off', onnx: { model: model(lamaLikeModel(RED), 'lama-512') } });
    const crops = r.onnx?.crops ?? [];
    expect(crops).toHaveLength(2);
    // the small hole: a model-sized crop at native resolution; the big one: hole + 128 px, shrunk to fit
    expect(crops[0]).toMatchObject({ crop: { x0: 0, y0: 0, w: 512, h: 512 }, scale: 1 });
    expect(crops[1].crop).toEqual({ x0: 700 - 128, y0: 300 - 128, w: 1600 - 572, h: 900 - 172 }); // clipped right and bottom
    expect(crops[1].scale).toBeCloseTo(512 / 1028, 5);
    const { changedOutside } = holeAndRest(r.image, img, mask);
    expect(changedOutside).toBe(0);
  });

  it('needs a model', async () => {
    await expect(inpaint(photo(16, 16), rectMask(16, 16, 2, 2, 5, 5), { engine: 'onnx' })).rejects.toThrow(/needs an imported model/);
  });
});
