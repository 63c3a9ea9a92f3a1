/**
 * Minimal protobuf wire-format writer (varint, 64-bit varint, fixed32 and length-delimited fields).
 * Written from the public protobuf encoding spec; only what ONNX serialisation needs.
 */
export class ProtoWriter {
  private buf: Uint8Array = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  /** int32/int64/enum/bool field (varint). Negative values are written as 64-bit two's complement. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  packedFloats(field: number, values: readonly number[]): this {
    const data = new Uint8Array(values.length * 4);
    const dv = new DataView(data.buffer);
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, data);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** A length or field that runs past the end of the bytes (a cut-off file), or malformed wire data. */
export class ProtoReadError extends Error {
  constructor(readonly truncated: boolean, message: string) {
    super(message);
    this.name = 'ProtoReadError';
  }
}

/** One field as read: its number, wire type and value (varint as bigint, bytes as a view, fixed as raw bits). */
export interface ProtoField {
  field: number;
  wire: 0 | 1 | 2 | 5;
  varint: bigint;
  bytes: Uint8Array;
}

/**
 * Minimal protobuf wire-format reader: walks the fields of one message (nested messages are read
 * by handing `bytes` to a new reader). Groups (wire types 3 and 4) are refused, as ONNX never uses
 * them. Views, not copies: reading a 200 MB model allocates nothing per weight.
 */
export class ProtoReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private rawVarint(): bigint {
    let v = 0n, shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtoReadError(true, `varint runs past the end at byte ${this.pos}`);
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7n;
    }
    throw new ProtoReadError(false, `varint longer than 10 bytes at byte ${this.pos}`);
  }

  next(): ProtoField {
    const at = this.pos;
    const tag = this.rawVarint();
    const field = Number(tag >> 3n), wire = Number(tag & 7n);
    if (field === 0) throw new ProtoReadError(false, `field number 0 at byte ${at}`);
    const need = (n: number): Uint8Array => {
      if (this.pos + n > this.buf.length) throw new ProtoReadError(true, `field ${field} needs ${n} bytes at byte ${this.pos}, only ${this.buf.length - this.pos} left`);
      const v = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      return v;
    };
    const empty = this.buf.subarray(0, 0);
    switch (wire) {
      case 0: return { field, wire, varint: this.rawVarint(), bytes: empty };
      case 1: return { field, wire, varint: 0n, bytes: need(8) };
      case 2: {
        const len = this.rawVarint();
        if (len > BigInt(this.buf.length)) throw new ProtoReadError(true, `field ${field} declares ${len} bytes at byte ${this.pos}, only ${this.buf.length - this.pos} left`);
        return { field, wire, varint: 0n, bytes: need(Number(len)) };
      }
      case 5: return { field, wire, varint: 0n, bytes: need(4) };
      default: throw new ProtoReadError(false, `unsupported wire type ${wire} for field ${field} at byte ${at}`);
    }
  }

  /** Every field of the message, in order. */
  *fields(): Generator<ProtoField> {
    while (!this.done) yield this.next();
  }
}

/** A length-delimited field's bytes as UTF-8 text. */
export const protoString = (f: ProtoField): string => new TextDecoder().decode(f.bytes);
