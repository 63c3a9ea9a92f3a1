// Content types for the files the renderer loads: the built app (app:// in the desktop shell, `/`
// in `renovo serve`) and library images. One table for both adapters.
const MIME_BY_EXTENSION: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The content type for a file name or path, by extension; unknown → application/octet-stream. */
export function mimeForPath(file: string): string {
  const ext = /\.[^./\\]+$/.exec(file.toLowerCase())?.[0];
  return (ext && MIME_BY_EXTENSION[ext]) || 'application/octet-stream';
}

/**
 * The image type of a file's first bytes (PNG, JPEG, GIF, WebP, TIFF, AVIF/HEIF), or null. Library
 * files are served by this, never by their name: an import keeps the name the user gave it.
 */
function sniffImageMime(head: Uint8Array): string | null {
  const b = head;
  const ascii = (from: number, to: number): string => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'image/gif';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 4 && (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*')) return 'image/tiff';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis') return 'image/avif';
    if (/^(heic|heix|hevc|hevx|mif1|msf1)$/.test(brand)) return 'image/heif';
  }
  return null;
}

/** Headers for a library file: its sniffed type, never sniffed again, never run as a page. */
export function libraryFileHeaders(head: Uint8Array): Record<string, string> {
  return {
    'Content-Type': sniffImageMime(head) ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'sandbox',
  };
}
