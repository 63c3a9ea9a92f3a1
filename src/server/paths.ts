// Turning a raw request path into a safe relative path. We work on the raw (undecoded) URL path:
// WHATWG URL parsing would already have collapsed `..` and `%2e%2e`, hiding traversal attempts
// that we want to refuse outright rather than silently reinterpret.

export type RelPath = { ok: true; rel: string } | { ok: false; reason: string };

/** Decodes and checks a path below a route prefix; refuses traversal, absolute paths, NUL, `\`. */
export function safeRelative(rawTail: string): RelPath {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawTail);
  } catch {
    return { ok: false, reason: 'malformed percent-encoding' };
  }
  if (decoded.length === 0) return { ok: false, reason: 'empty path' };
  if (decoded.includes('\0')) return { ok: false, reason: 'NUL in path' };
  if (decoded.includes('\\')) return { ok: false, reason: 'backslash in path' };
  if (decoded.startsWith('/') || /^[a-zA-Z]:/.test(decoded)) return { ok: false, reason: 'absolute path' };
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.' || s === '')) return { ok: false, reason: 'path traversal' };
  return { ok: true, rel: decoded };
}

/** The path part of a raw request target (no query, no fragment). */
export function rawPathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.search(/[?#]/);
  return q >= 0 ? u.slice(0, q) : u;
}
