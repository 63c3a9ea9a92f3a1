// GET /library/<file>: previews, outputs and masks, only from inside the library. Paths are checked
// here (traversal, absolute, NUL) and again by Library.resolve; the real path (symlinks resolved)
// must still be inside the library.
import { createReadStream } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sep } from 'node:path';
import type { RenovoService } from '../core/app';
import { libraryFileHeaders } from '../shared/mime';
import { securityHeaders, sendError } from './http';
import { safeRelative } from './paths';

export async function handleLibrary(req: IncomingMessage, res: ServerResponse, rawTail: string, service: RenovoService): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(req, res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'Use GET for library files' }, { Allow: 'GET, HEAD' });
    return;
  }
  const rel = safeRelative(rawTail);
  if (!rel.ok) {
    sendError(req, res, 403, { code: 'FORBIDDEN_PATH', message: `Refused library path (${rel.reason})` });
    return;
  }
  let file: string;
  try {
    file = service.resolveLibraryFile(rel.rel);
  } catch (e) {
    sendError(req, res, 403, { code: 'FORBIDDEN_PATH', message: `Refused library path: ${(e as Error).message}` });
    return;
  }
  let real: string;
  let size: number;
  let head: Uint8Array;
  try {
    real = await realpath(file);
    const root = await realpath(service.libraryDir);
    if (!real.startsWith(root + sep)) {
      sendError(req, res, 403, { code: 'FORBIDDEN_PATH', message: 'Refused library path (outside the library)' });
      return;
    }
    const st = await stat(real);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
    size = st.size;
    const fh = await open(real, 'r');
    try {
      const { buffer, bytesRead } = await fh.read({ buffer: Buffer.alloc(32), position: 0 });
      head = buffer.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    sendError(req, res, 404, { code: 'NOT_FOUND', message: `No such library file: ${rel.rel}` });
    return;
  }
  res.writeHead(200, {
    ...securityHeaders(req),
    ...libraryFileHeaders(head),
    'Content-Length': String(size),
    'Cache-Control': 'private, no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(real).on('error', () => res.destroy()).pipe(res);
}
