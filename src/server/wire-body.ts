// Reads a POST body in the wire encoding (src/shared/wire.ts) without ever holding the whole
// body as text: each {"$bytes":"<base64>"} is decoded into bytes as it streams in, and only the
// small JSON around it is parsed. A 200 MB photo upload then costs ~0.75x its body size, not the
// 5-6x of buffer + string + parsed base64 string + decoded copy.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const MARK = Buffer.from('{"$bytes":"');
const OPEN = MARK[0];
const QUOTE = 0x22;
const CLOSE = 0x7d;
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes`);
  }
}

export class BadWireBodyError extends Error {}

/**
 * Byte sink for one decoded $bytes field: blocks of the expected size (or 8 MiB when the size is
 * unknown), joined once at the end, so growing never holds two copies of everything so far.
 */
class ByteSink {
  private readonly blocks: Buffer[] = [];
  private block: Buffer;
  private used = 0;
  constructor(private readonly blockSize: number) {
    this.block = Buffer.allocUnsafe(Math.max(1024, blockSize));
  }
  /** Decodes whole base64 quads straight into the blocks (no intermediate copy). */
  pushBase64(text: string): void {
    let at = 0;
    while (at < text.length) {
      if (this.used + 3 > this.block.length) {
        this.blocks.push(this.block.subarray(0, this.used));
        this.block = Buffer.allocUnsafe(Math.max(1024, this.blockSize));
        this.used = 0;
      }
      const quads = Math.min((text.length - at) / 4, Math.floor((this.block.length - this.used) / 3));
      this.used += this.block.write(text.slice(at, at + quads * 4), this.used, 'base64');
      at += quads * 4;
    }
  }
  bytes(): Uint8Array {
    const last = this.block.subarray(0, this.used);
    if (this.blocks.length === 0) return new Uint8Array(this.used * 2 < this.block.length ? Buffer.from(last) : last);
    return new Uint8Array(Buffer.concat([...this.blocks, last]));
  }
}

/**
 * Streams `req` (at most `limit` bytes) and returns the decoded wire value. Throws
 * BodyTooLargeError past the limit, BadWireBodyError / SyntaxError for malformed input.
 */
export function readWireBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return reject(new BodyTooLargeError(limit));
    }
    const refKey = `$bytesRef:${randomBytes(8).toString('hex')}`;
    const refs: Uint8Array[] = [];
    const skeleton: Buffer[] = [];
    let skeletonLength = 0;
    let matched = 0; // bytes of MARK matched so far (json mode)
    let mode: 'json' | 'bytes' | 'close' = 'json';
    let sink: ByteSink | null = null;
    let carry = ''; // base64 characters not yet a multiple of 4
    let size = 0;
    let failed = false;
    const blockSize = Number.isFinite(declared) ? Math.floor((declared * 3) / 4) : 8 << 20;

    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      req.resume();
      reject(e);
    };
    const dropSkeletonEnd = (n: number): void => {
      while (n > 0) {
        const last = skeleton[skeleton.length - 1];
        const cut = Math.min(n, last.length);
        if (cut === last.length) skeleton.pop();
        else skeleton[skeleton.length - 1] = last.subarray(0, last.length - cut);
        skeletonLength -= cut;
        n -= cut;
      }
    };
    const decodeBase64 = (text: string, final: boolean): void => {
      if (NOT_BASE64.test(text)) throw new BadWireBodyError('$bytes is not valid base64');
      const all = carry + text;
      const whole = final ? all.length : all.length - (all.length % 4);
      if (final && whole % 4 === 1) throw new BadWireBodyError('$bytes is not valid base64');
      if (whole > 0) sink!.pushBase64(all.slice(0, whole));
      carry = all.slice(whole);
    };

    const onChunk = (chunk: Buffer): void => {
      let i = 0;
      while (i < chunk.length) {
        if (mode === 'json') {
          const start = i;
          for (; i < chunk.length; i++) {
            const c = chunk[i];
            if (c === MARK[matched]) matched++;
            else matched = c === OPEN ? 1 : 0;
            if (matched === MARK.length) {
              i++;
              break;
            }
          }
          const part = Buffer.from(chunk.subarray(start, i)); // a copy: the chunk can then be freed
          skeleton.push(part);
          skeletonLength += part.length;
          if (matched === MARK.length) {
            matched = 0;
            dropSkeletonEnd(MARK.length);
            mode = 'bytes';
            sink = new ByteSink(Math.min(blockSize, limit));
          }
        } else if (mode === 'bytes') {
          const end = chunk.indexOf(QUOTE, i);
          const stop = end < 0 ? chunk.length : end;
          decodeBase64(chunk.toString('latin1', i, stop), false);
          i = stop;
          if (end >= 0) {
            decodeBase64('', true);
            i++;
            mode = 'close';
          }
        } else {
          if (chunk[i] !== CLOSE) throw new BadWireBodyError('a $bytes object must have no other keys');
          i++;
          const ref = Buffer.from(`{${JSON.stringify(refKey)}:${refs.length}}`);
          refs.push(sink!.bytes());
          sink = null;
          skeleton.push(ref);
          skeletonLength += ref.length;
          mode = 'json';
        }
      }
    };

    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) return fail(new BodyTooLargeError(limit));
      try {
        onChunk(chunk);
      } catch (e) {
        fail(e as Error);
      }
    });
    req.on('end', () => {
      if (failed) return;
      try {
        if (mode !== 'json') throw new BadWireBodyError('the body ends inside a $bytes field');
        const text = Buffer.concat(skeleton, skeletonLength).toString('utf8');
        resolve(
          JSON.parse(text, (_key, v: unknown) => {
            if (v && typeof v === 'object' && !Array.isArray(v)) {
              const keys = Object.keys(v);
              if (keys.length !== 1) return v;
              const value = (v as Record<string, unknown>)[keys[0]];
              if (keys[0] === refKey && typeof value === 'number') return refs[value];
              // the same encoding written with other spacing, which the streaming match skips
              if (keys[0] === '$bytes' && typeof value === 'string') {
                if (NOT_BASE64.test(value)) throw new BadWireBodyError('$bytes is not valid base64');
                return new Uint8Array(Buffer.from(value, 'base64'));
              }
            }
            return v;
          }),
        );
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', (e) => fail(e));
  });
}
