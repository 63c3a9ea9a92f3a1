// JSON encoding for the web bridge: byte arrays travel as {"$bytes": "<base64>"} so payloads and
// results keep their Uint8Array fields on both sides. (IPC needs none of this: structured clone.)
const BYTES_KEY = '$bytes';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeWire(value: unknown): string {
  // Read the raw value from the holder: JSON.stringify has already run Buffer#toJSON on `v`, so a
  // Node Buffer (a Uint8Array) would otherwise arrive as {type: 'Buffer', data: [...]}.
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? { [BYTES_KEY]: toBase64(raw) } : v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && keys[0] === BYTES_KEY && typeof record[BYTES_KEY] === 'string') {
        return fromBase64(record[BYTES_KEY] as string);
      }
    }
    return v;
  });
}
