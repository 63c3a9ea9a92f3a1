// The built renderer (dist/renderer): index.html and its assets. When the renderer has not been
// built, a clear 503 page says how to build it instead of a bare 404.
import { readFile, stat, realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { mimeForPath } from '../shared/mime';
import { send, sendError } from './http';
import { safeRelative } from './paths';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Renovo — not built</title></head>
<body><h1>The Renovo UI has not been built</h1>
<p>This server could not find <code>dist/renderer/index.html</code>. Run <code>npm run build</code>,
then start <code>renovo serve</code> again.</p></body></html>
`;

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

export async function handleRenderer(req: IncomingMessage, res: ServerResponse, rawPath: string, rendererDir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(req, res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'Use GET' }, { Allow: 'GET, HEAD' });
    return;
  }
  const index = join(rendererDir, 'index.html');
  if (rawPath === '/' || rawPath === '/index.html') {
    if (!(await isFile(index))) {
      send(req, res, 503, NOT_BUILT, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return;
    }
    send(req, res, 200, await readFile(index), { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
    return;
  }
  const rel = safeRelative(rawPath.slice(1));
  if (!rel.ok) {
    sendError(req, res, 403, { code: 'FORBIDDEN_PATH', message: `Refused path (${rel.reason})` });
    return;
  }
  try {
    const root = await realpath(rendererDir);
    const file = await realpath(join(root, rel.rel));
    if (!file.startsWith(root + sep) || !(await isFile(file))) throw new Error('not found');
    const immutable = rel.rel.startsWith('assets/'); // Vite puts content hashes in asset names
    send(req, res, 200, await readFile(file), {
      'Content-Type': mimeForPath(file),
      'Cache-Control': immutable ? 'private, max-age=31536000, immutable' : 'no-cache',
    });
  } catch {
    if (!(await isFile(index))) {
      send(req, res, 503, NOT_BUILT, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return;
    }
    sendError(req, res, 404, { code: 'NOT_FOUND', message: `Not found: ${rel.rel}` });
  }
}
