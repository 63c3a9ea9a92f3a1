// The startInpaint schema's source area: accepted like the hole mask (PNG bytes) plus a mode;
// anything else is refused at the gate with INVALID_PAYLOAD naming the field.
import { describe, expect, it } from 'vitest';
import { ApiError } from './contract';
import { parseApiCall } from './schemas';

const base = { photoId: 1, parentEditId: null, mask: new Uint8Array([1]), engine: 'auto', blend: 'normal', dilate: 4 };

function refusal(payload: unknown, method = 'startInpaint'): ApiError {
  try {
    parseApiCall(method, payload);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('the payload was accepted');
}

describe('startInpaint sourceArea', () => {
  it('is optional and accepts PNG bytes with include or exclude', () => {
    expect(parseApiCall('startInpaint', base).input).not.toHaveProperty('sourceArea');
    for (const mode of ['include', 'exclude'] as const) {
      const sourceArea = { mask: new Uint8Array([1, 2]), mode };
      expect(parseApiCall<'startInpaint'>('startInpaint', { ...base, sourceArea }).input.sourceArea).toEqual(sourceArea);
    }
  });

  const malformed: [string, unknown, RegExp][] = [
    ['no mode', { mask: new Uint8Array([1]) }, /sourceArea\.mode/],
    ['an unknown mode', { mask: new Uint8Array([1]), mode: 'only' }, /sourceArea\.mode/],
    ['no mask', { mode: 'include' }, /sourceArea\.mask/],
    ['a mask as a path', { mask: '/etc/passwd', mode: 'include' }, /sourceArea\.mask/],
    ['a mask as a number array', { mask: [255, 0], mode: 'include' }, /sourceArea\.mask/],
    ['an unknown key', { mask: new Uint8Array([1]), mode: 'include', file: 'x.png' }, /sourceArea/],
    ['null', null, /sourceArea/],
    ['a bare mask', new Uint8Array([1]), /sourceArea/],
  ];
  for (const [what, sourceArea, where] of malformed) {
    it(`refuses ${what}`, () => {
      const e = refusal({ ...base, sourceArea });
      expect(e.code).toBe('INVALID_PAYLOAD');
      expect(e.message).toMatch(where);
    });
  }
});

describe('getEditMask layer', () => {
  it('accepts hole or source and refuses anything else', () => {
    expect(parseApiCall<'getEditMask'>('getEditMask', { editId: 3 }).input).toEqual({ editId: 3 });
    expect(parseApiCall<'getEditMask'>('getEditMask', { editId: 3, layer: 'source' }).input.layer).toBe('source');
    expect(refusal({ editId: 3, layer: 'output' }, 'getEditMask').code).toBe('INVALID_PAYLOAD');
  });
});
