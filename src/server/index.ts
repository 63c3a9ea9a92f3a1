// `renovo serve`: the renderer and the RenovoApi over HTTP + WebSocket, exactly as described in
// docs/bridge-protocol.md. Every request passes the Host/Origin checks and the token check first.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRenovoService, defaultShippedModelsDir, type RenovoService, type RenovoServiceOptions } from '../core/app';
import { handleApi } from './api';
import { EventHub, refuseUpgrade } from './events';
import { send, sendError } from './http';
import { handleLibrary } from './library';
import { rawPathOf } from './paths';
import { handleRenderer } from './renderer';
import { allowedHosts, checkHostAndOrigin, checkRequest, newToken, tokenCookie, tokensEqual } from './security';

export interface ServerOptions {
  libraryDir: string;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Largest accepted request body (default 256 MiB: a big photo travels base64-encoded). */
  maxBodyBytes?: number;
  runner?: RenovoServiceOptions['runner'];
  /** Shipped models to register on start (default: models/ next to the app, or $RENOVO_MODELS_DIR). */
  shippedModelsDir?: string | null;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  service: RenovoService;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 2 ** 20;

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1';
  const token = newToken();
  const service = await createRenovoService({
    libraryDir: options.libraryDir,
    host: 'web',
    runner: options.runner,
    shippedModelsDir: options.shippedModelsDir === undefined ? defaultShippedModelsDir() : options.shippedModelsDir,
  });
  const hub = new EventHub(service);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let hosts = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawPath = rawPathOf(req.url);
    // GET /?token=…: trade the token in the address bar for a cookie, then drop it from the URL.
    if (rawPath === '/' && req.url?.includes('token=')) {
      const gate = checkHostAndOrigin(req, hosts);
      if (!gate.ok) return sendError(req, res, gate.status, { code: gate.code, message: gate.message });
      const given = new URL(req.url, 'http://localhost').searchParams.get('token') ?? '';
      if (!tokensEqual(given, token)) return sendError(req, res, 401, { code: 'UNAUTHORIZED', message: 'Wrong token' });
      return send(req, res, 302, '', { Location: '/', 'Set-Cookie': tokenCookie(token), 'Cache-Control': 'no-store' });
    }
    const gate = checkRequest(req, hosts, token);
    if (!gate.ok) return sendError(req, res, gate.status, { code: gate.code, message: gate.message });

    if (rawPath.startsWith('/api/')) return handleApi(req, res, rawPath.slice('/api/'.length), { service, maxBodyBytes });
    if (rawPath.startsWith('/library/')) return handleLibrary(req, res, rawPath.slice('/library/'.length), service);
    if (rawPath === '/events') {
      return sendError(req, res, 426, { code: 'UPGRADE_REQUIRED', message: '/events is a WebSocket' }, { Upgrade: 'websocket' });
    }
    return handleRenderer(req, res, rawPath, options.rendererDir);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(req, res, 500, { code: 'INTERNAL', message: (e as Error).message });
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (rawPathOf(req.url) !== '/events') return refuseUpgrade(socket, 404, 'Only /events accepts WebSocket upgrades');
    const gate = checkRequest(req, hosts, token);
    if (!gate.ok) return refuseUpgrade(socket, gate.status, gate.message);
    hub.upgrade(req, socket, head);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await hub.close();
    await service.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(bindHost, port);

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(bindHost)}:${port}/?token=${token}`,
    port,
    token,
    service,
    close() {
      closing ??= (async () => {
        await hub.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await service.close();
      })();
      return closing;
    },
  };
}
