import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from './wire';

describe('wire codec', () => {
  it('round-trips Uint8Array fields nested in objects and arrays', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff);
    const decoded = decodeWire(encodeWire({ a: 1, list: [bytes, 'x'], nested: { bytes } })) as {
      a: number;
      list: [Uint8Array, string];
      nested: { bytes: Uint8Array };
    };
    expect(decoded.a).toBe(1);
    expect(decoded.list[0]).toBeInstanceOf(Uint8Array);
    expect(Array.from(decoded.list[0])).toEqual(Array.from(bytes));
    expect(Array.from(decoded.nested.bytes)).toEqual(Array.from(bytes));
    expect(decoded.list[1]).toBe('x');
  });

  it('encodes a Node Buffer as bytes, not as Buffer#toJSON output', () => {
    const text = encodeWire({ data: Buffer.from([1, 2, 255]) });
    expect(text).not.toContain('"type":"Buffer"');
    const decoded = decodeWire(text) as { data: Uint8Array };
    expect(Array.from(decoded.data)).toEqual([1, 2, 255]);
  });

  it('leaves ordinary objects that merely look similar alone', () => {
    const decoded = decodeWire(encodeWire({ $bytes: 5, other: { $bytes: 'a', b: 1 } }));
    expect(decoded).toEqual({ $bytes: 5, other: { $bytes: 'a', b: 1 } });
  });
});
