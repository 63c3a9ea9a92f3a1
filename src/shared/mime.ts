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
