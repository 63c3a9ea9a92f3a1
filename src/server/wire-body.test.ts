import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../shared/wire';
import { BodyTooLargeError, readWireBody } from './wire-body';

function request(body: Buffer, chunk: number, length = true): IncomingMessage {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunk) parts.push(body.subarray(i, i + chunk));
  const r = Readable.from(parts) as unknown as IncomingMessage;
  r.headers = length ? { 'content-length': String(body.length) } : {};
  return r;
}

describe('readWireBody', () => {
  const bytes = new Uint8Array(3001).map((_, i) => (i * 37) % 256);
  const value = { name: 'a {"$bytes":" é', bytes, nested: [{ x: new Uint8Array([1, 2]) }], empty: new Uint8Array(0) };
  const text = encodeWire(value);

  it.each([1, 2, 3, 7, 64, 65536])('decodes exactly what decodeWire decodes, in chunks of %i bytes', async (chunk) => {
    const got = await readWireBody(request(Buffer.from(text), chunk, chunk % 2 === 0), 1 << 20);
    expect(got).toEqual(decodeWire(text));
  });

  it('accepts the same encoding with other spacing, and refuses bodies over the limit', async () => {
    expect(await readWireBody(request(Buffer.from('{ "b": { "$bytes" : "AQI=" } }'), 5), 1000)).toEqual({ b: new Uint8Array([1, 2]) });
    await expect(readWireBody(request(Buffer.from(text), 100), 1000)).rejects.toBeInstanceOf(BodyTooLargeError);
    await expect(readWireBody(request(Buffer.from('{"a":{"$bytes":"AQI=","x":1}}'), 4), 1000)).rejects.toThrow(/no other keys/);
  });
});
