import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { f16ToF32, f32ToF16, fromHalf, toHalf } from './fp16';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors } from './safetensors';
import { Rng } from '../random';

const dir = mkdtempSync(join(tmpdir(), 'renovo-st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hasNumpy(): boolean {
  if (!existsSync('/usr/bin/python3')) return false;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('fp16', () => {
  it('converts known values with round-to-nearest-even', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00],
      [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002], [Infinity, 0x7c00], [-Infinity, 0xfc00],
      [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [0.1, 0x2e66], [2 ** -14 - 2 ** -25, 0x0400],
    ];
    for (const [v, h] of cases) expect(toHalf(v).toString(16), `toHalf(${v})`).toBe(h.toString(16));
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
  });
  it('every finite half round-trips exactly through float32', () => {
    const bad: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) !== 0x7c00 && toHalf(fromHalf(h)) !== h) bad.push(h);
    }
    expect(bad).toEqual([]);
  });
  it('array conversions', () => {
    const a = Float32Array.from([0.5, -3.25, 1000]);
    expect([...f16ToF32(f32ToF16(a))]).toEqual([0.5, -3.25, 1000]);
  });
});

describe('safetensors', () => {
  const rng = new Rng(9);
  const tensors = new Map([
    ['G.main.0.weight', { shape: [4, 3, 2, 2], data: rng.normals(48) }],
    ['G.main.1.bias', { shape: [3], data: Float32Array.from([NaN, -0, 1e-40]) }],
    ['scalar', { shape: [], data: Float32Array.from([7]) }],
  ]);

  it('round-trips float32 bit-exactly (NaN, -0, subnormals included) with metadata', async () => {
    const p = join(dir, 'a.safetensors');
    await saveSafetensors(p, tensors, { metadata: { architecture: 'dcgan64', step: '12' } });
    const back = await loadSafetensors(p);
    expect(back.metadata).toEqual({ architecture: 'dcgan64', step: '12' });
    for (const [k, t] of tensors) {
      const e = back.tensors.get(k);
      expect(e?.shape).toEqual(t.shape);
      expect(e?.dtype).toBe('F32');
      expect(new Uint32Array(e!.data.buffer.slice(e!.data.byteOffset, e!.data.byteOffset + e!.data.byteLength))).toEqual(new Uint32Array(t.data.buffer));
    }
    // Re-encoding what was read gives identical bytes.
    const again = encodeSafetensors(new Map([...back.tensors].map(([k, e]) => [k, { shape: e.shape, data: e.data }])), { metadata: back.metadata });
    expect(Buffer.from(again).equals(Buffer.from(encodeSafetensors(tensors, { metadata: back.metadata })))).toBe(true);
  });

  it('header is 8-byte aligned JSON and offsets are contiguous', () => {
    const b = encodeSafetensors(tensors);
    const n = Number(new DataView(b.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const h = JSON.parse(Buffer.from(b.subarray(8, 8 + n)).toString()) as Record<string, { data_offsets: number[] }>;
    expect(h['G.main.0.weight'].data_offsets).toEqual([0, 192]);
    expect(h['G.main.1.bias'].data_offsets).toEqual([192, 204]);
    expect(b.length).toBe(8 + n + 208);
  });

  it('fp16 storage: half the bytes, values rounded to half precision', () => {
    const b = decodeSafetensors(encodeSafetensors(tensors, { dtype: 'F16' }));
    const w = b.tensors.get('G.main.0.weight')!;
    expect(w.dtype).toBe('F16');
    expect(w.raw.length).toBe(96);
    const orig = tensors.get('G.main.0.weight')!.data;
    w.data.forEach((v, i) => expect(Math.abs(v - orig[i])).toBeLessThanOrEqual(Math.abs(orig[i]) * 2 ** -11 + 1e-7));
  });

  it('rejects corrupt files with a clear message', () => {
    const b = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(b.subarray(0, 4))).toThrow(/too short/);
    const bad = b.slice();
    new DataView(bad.buffer).setBigUint64(0, 10n ** 9n, true);
    expect(() => decodeSafetensors(bad)).toThrow(/header length/);
    expect(() => encodeSafetensors({ x: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/'x' has 3 values but shape \[2,2\]/);
  });

  it.skipIf(!hasNumpy())('is readable by Python (json + numpy; the reference layout)', async () => {
    const p = join(dir, 'py.safetensors');
    await saveSafetensors(p, tensors, { dtype: 'F32' });
    const p16 = join(dir, 'py16.safetensors');
    await saveSafetensors(p16, tensors, { dtype: 'F16' });
    const script = `
import json, struct, sys, numpy as np
out = {}
for i, path in enumerate(sys.argv[1:]):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n])
    base = 8 + n
    for k, v in h.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']
        a = np.frombuffer(b[base + s:base + e], dtype={'F32': '<f4', 'F16': '<f2'}[v['dtype']]).reshape(v['shape'])
        out[str(i) + ':' + k] = [float(np.nansum(a.astype(np.float64))), list(a.shape)]
print(json.dumps(out))`;
    const res = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, p, p16]).toString()) as Record<string, [number, number[]]>;
    const w = tensors.get('G.main.0.weight')!.data.reduce((a, v) => a + v, 0);
    expect(res['0:G.main.0.weight'][0]).toBeCloseTo(w, 4);
    expect(res['1:G.main.0.weight'][0]).toBeCloseTo(w, 2);
    expect(res['0:G.main.0.weight'][1]).toEqual([4, 3, 2, 2]);
    expect(res['0:scalar']).toEqual([7, []]);
    expect(Object.keys(res).length).toBe(6);
  });
});
