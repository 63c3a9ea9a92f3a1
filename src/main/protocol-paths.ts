// Pure URL → file rules for the desktop app's two custom schemes. No Electron imports, so the rules
// are unit-tested in Node (protocol-paths.test.ts).
//
//   app://renovo/<file>          the built renderer, only files inside dist/renderer
//   renovo://library/<rel path>  library files; the lexical checks here are a first filter, the
//                                authoritative check is the library's own resolve() (symlinks too)
import path from 'node:path';
import { LIBRARY_HOST, LIBRARY_PROTOCOL } from '../shared/api';

export const APP_SCHEME = 'app';
export const APP_HOST = 'renovo';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
export const LIBRARY_ORIGIN = `${LIBRARY_PROTOCOL}://${LIBRARY_HOST}`;

/** The policy sent with every app page (mirrored by a <meta> in src/renderer/index.html). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `img-src 'self' blob: data: ${LIBRARY_PROTOCOL}:`,
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export type PathResult = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404 | 405 };



function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Splits a URL path into decoded segments, refusing anything that could climb or smuggle a
 * separator: '.', '..', encoded slashes/backslashes, NUL and other control characters, bad escapes.
 */
function decodeSegments(pathname: string): string[] | null {
  const raw = pathname.split('/').slice(1);
  const out: string[] = [];
  for (const segment of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (decoded === '' || decoded === '.' || decoded === '..') return null;
    if (/[\\/\u0000-\u001f\u007f]/.test(decoded)) return null;
    out.push(decoded);
  }
  return out;
}

/** True for `app://renovo` itself (the origin the renderer must come from). */
export function isAppOrigin(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
}

/** The file of dist/renderer an `app://renovo/...` request may read. */
export function rendererFileForUrl(url: string, rendererDir: string, method = 'GET'): PathResult {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405 };
  const u = parse(url);
  if (!u || !isAppOrigin(url)) return { ok: false, status: 403 };
  const pathname = u.pathname === '' || u.pathname === '/' ? '/index.html' : u.pathname;
  const segments = decodeSegments(pathname);
  if (!segments || segments.length === 0) return { ok: false, status: 403 };
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, ...segments);
  if (!file.startsWith(root + path.sep)) return { ok: false, status: 403 };
  return { ok: true, path: file };
}

/**
 * The library-relative path named by a `renovo://library/<rel>` URL, or a refusal. The caller
 * still resolves the result through the library (which also refuses symlinks that leave it).
 */
export function libraryRelForUrl(url: string, method = 'GET'): PathResult {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405 };
  const u = parse(url);
  if (!u || u.protocol !== `${LIBRARY_PROTOCOL}:` || u.host !== LIBRARY_HOST || u.username || u.password || u.port) {
    return { ok: false, status: 403 };
  }
  const segments = decodeSegments(u.pathname);
  if (!segments || segments.length < 2) return { ok: false, status: 403 };
  // Library names never contain '%' or ':' (drive letters, streams); refuse them early.
  if (segments.some((s) => /[%:]/.test(s))) return { ok: false, status: 403 };
  return { ok: true, path: segments.join('/') };
}

/** `renovo://library/<file>` for a library-relative POSIX path (the preload builds the same URL). */
/**
 * Whether the app's session may issue a request at all. Only the app's own scheme, the library
 * scheme, in-page blob:/data: URLs and DevTools are allowed; http(s), ws, file and the rest are blocked.
 */
export function isAllowedRequestUrl(url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  switch (u.protocol) {
    case `${APP_SCHEME}:`:
      return u.host === APP_HOST;
    case `${LIBRARY_PROTOCOL}:`:
      return u.host === LIBRARY_HOST;
    case 'blob:':
      return url.startsWith(`blob:${APP_ORIGIN}/`);
    case 'data:':
    case 'devtools:':
      return true;
    default:
      return false;
  }
}

/** Downloads the app may start: exports the renderer builds as blob: URLs of its own origin. */
export function isAllowedDownloadUrl(url: string): boolean {
  return url.startsWith(`blob:${APP_ORIGIN}/`) || url.startsWith('data:');
}

/** A file name safe to propose in a Save dialog (no separators, no control characters). */
export function safeDownloadName(name: string): string {
  const cleaned = name
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 200);
  return cleaned.length > 0 ? cleaned : 'renovo-export';
}
