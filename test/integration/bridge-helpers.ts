// Raw HTTP + WebSocket access to a running bridge, with full control over Host, Origin and path
// (fetch would normalise the path and refuse to set Host).
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { decodeWire, encodeWire } from '../../src/shared/wire';
import type { JobEvent } from '../../src/shared/api';

/**
 * encodeWire for test inputs that may hold Node Buffers: JSON.stringify calls Buffer#toJSON
 * before encodeWire's replacer runs, so Buffers are turned into plain Uint8Arrays first.
 */
export function wire(input: unknown): string {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const plain: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) plain[k] = Buffer.isBuffer(v) ? new Uint8Array(v) : v;
    return encodeWire(plain);
  }
  return encodeWire(input);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): any;
}

export function rawRequest(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { Host: `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export class BridgeClient {
  constructor(
    readonly port: number,
    readonly token: string,
  ) {}

  get auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  /** POST /api/<method> with a raw body. */
  post(method: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawRequest(this.port, {
      method: 'POST',
      path: `/api/${method}`,
      headers: { 'Content-Type': 'application/json', ...this.auth, ...headers },
      body,
    });
  }

  /** A successful API call, decoded with decodeWire. */
  async call<T = any>(method: string, input: unknown): Promise<T> {
    const res = await this.post(method, wire(input));
    if (res.status !== 200) throw new Error(`${method} → ${res.status} ${res.body.toString('utf8')}`);
    return decodeWire(res.body.toString('utf8')) as T;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawRequest(this.port, { path, headers: { ...this.auth, ...headers } });
  }

  /** Opens /events; resolves once connected. */
  events(headers: Record<string, string> = this.auth): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const { Origin, ...rest } = headers;
      const ws = new WebSocket(`ws://127.0.0.1:${this.port}/events`, { headers: rest, origin: Origin ?? `http://127.0.0.1:${this.port}` });
      const stream = new EventStream(ws);
      ws.once('open', () => resolve(stream));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }
}

export class EventStream {
  readonly events: JobEvent[] = [];
  private waiters: { pred: (e: JobEvent) => boolean; resolve: (e: JobEvent) => void }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const event = decodeWire(data.toString()) as JobEvent;
      this.events.push(event);
      for (const w of [...this.waiters]) {
        if (w.pred(event)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    });
  }

  next(pred: (e: JobEvent) => boolean, timeoutMs = 30_000): Promise<JobEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a job event')), timeoutMs);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  close(): void {
    this.ws.close();
  }
}
