// Pixel buffers cross the thread boundary by transfer (zero copy). We collect the ArrayBuffers of
// every typed array in a message, but only those a typed array owns entirely: a small Node Buffer is
// a slice of a shared pool, and detaching the pool would corrupt unrelated buffers.

export function collectTransferables(value: unknown, out: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  walk(value, out, 0);
  return [...out];
}

function walk(value: unknown, out: Set<ArrayBuffer>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (ArrayBuffer.isView(value)) {
    const buf = value.buffer;
    if (buf instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === buf.byteLength && buf.byteLength > 0) {
      out.add(buf);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) walk(v, out, depth + 1);
    return;
  }
  for (const v of Object.values(value as Record<string, unknown>)) walk(v, out, depth + 1);
}
