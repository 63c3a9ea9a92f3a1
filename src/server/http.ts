// Small response helpers shared by the bridge's routes; every response carries the same
// hardening headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorPayload } from '../shared/api';

export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src 'self' ws://${host}`,
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(req.headers.host ?? '127.0.0.1'),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...securityHeaders(req), 'Content-Length': String(bytes.byteLength), ...headers });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

export function sendError(req: IncomingMessage, res: ServerResponse, status: number, error: ApiErrorPayload, headers: Record<string, string> = {}): void {
  send(req, res, status, JSON.stringify(error), { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
}

/** Reads and discards the rest of a request body (so the connection stays usable). */
export function drainBody(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.on('end', () => resolve());
    req.on('error', () => resolve());
    req.resume();
  });
}
