// Request gatekeeping for the web bridge: the per-run token (Bearer header or cookie) and the
// Host/Origin checks that stop DNS rebinding and cross-site requests.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'renovo_token';

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** The token the request presents (Bearer header first, then the cookie), if any. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  return parseCookies(req.headers.cookie).get(TOKEN_COOKIE);
}

export function isAuthorized(req: IncomingMessage, token: string): boolean {
  const t = presentedToken(req);
  return t !== undefined && tokensEqual(t, token);
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** `host:port` forms a browser may legitimately send for this server. */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const hosts = new Set<string>([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const h = bindHost.toLowerCase();
  hosts.add(h.includes(':') && !h.startsWith('[') ? `[${h}]:${port}` : `${h}:${port}`);
  return hosts;
}

export type GateResult = { ok: true } | { ok: false; status: 401 | 403; code: string; message: string };

/** DNS-rebinding / cross-site defence: Host must be ours, Origin (when sent) too. 403 otherwise. */
export function checkHostAndOrigin(req: IncomingMessage, hosts: Set<string>): GateResult {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) {
    return { ok: false, status: 403, code: 'FORBIDDEN_HOST', message: `Host header ${JSON.stringify(host)} is not allowed` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const o = origin.toLowerCase();
    const ok = o.startsWith('http://') && hosts.has(o.slice('http://'.length));
    if (!ok) {
      return { ok: false, status: 403, code: 'FORBIDDEN_ORIGIN', message: `Origin ${JSON.stringify(origin)} is not allowed` };
    }
  }
  return { ok: true };
}

/** Host and Origin first (403), then the token (401). */
export function checkRequest(req: IncomingMessage, hosts: Set<string>, token: string): GateResult {
  const where = checkHostAndOrigin(req, hosts);
  if (!where.ok) return where;
  if (!isAuthorized(req, token)) {
    return { ok: false, status: 401, code: 'UNAUTHORIZED', message: 'Missing or wrong token: open the URL printed by `renovo serve`' };
  }
  return { ok: true };
}
