// POST /api/<method>: the bridge's one choke point. Body → decodeWire → parseApiCall (the zod
// schemas of src/shared/api.ts) → the service. Nothing reaches core unvalidated.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, parseApiCall, type ApiMethod } from '../shared/api';
import { encodeWire } from '../shared/wire';
import { errorKind, toApiError, type RenovoService } from '../core/app';
import { drainBody, send, sendError } from './http';
import { BadWireBodyError, BodyTooLargeError, readWireBody } from './wire-body';

export interface ApiRouteOptions {
  service: RenovoService;
  maxBodyBytes: number;
}

function statusFor(code: string): number {
  switch (code) {
    case 'UNKNOWN_METHOD':
      return 404;
    case 'INVALID_PAYLOAD':
    case 'INVALID_JSON':
      return 400;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'CLOSED':
      return 503;
  }
  const kind = errorKind(code);
  if (kind === 'bad-input' || kind === 'not-found' || kind === 'cancelled') return 422;
  return 500;
}

/** Calls with bodies above this run one at a time, so parallel uploads do not add up in memory. */
const LARGE_BODY_BYTES = 32 * 2 ** 20;
let largeTail: Promise<void> = Promise.resolve();

/** Waits for the previous large call to finish; resolves with the function that ends this one. */
function largeBodyTurn(req: IncomingMessage): Promise<() => void> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared < LARGE_BODY_BYTES) return Promise.resolve(() => undefined);
  let release!: () => void;
  const previous = largeTail;
  largeTail = new Promise<void>((r) => (release = r));
  return previous.then(() => release);
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, methodName: string, opts: ApiRouteOptions): Promise<void> {
  if (req.method !== 'POST') {
    sendError(req, res, 405, { code: 'METHOD_NOT_ALLOWED', message: `Use POST for /api/${methodName}` }, { Allow: 'POST' });
    return;
  }
  const endTurn = await largeBodyTurn(req);
  try {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    let payload: unknown;
    try {
      if (contentType !== 'application/json') {
        await drainBody(req); // reading the body keeps the connection usable whatever we answer
        throw new ApiError('INVALID_JSON', 'Content-Type must be application/json');
      }
      payload = await readWireBody(req, opts.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        throw new ApiError('PAYLOAD_TOO_LARGE', `/api/${methodName}: request body is larger than ${Math.round(e.limit / 2 ** 20)} MiB`);
      }
      if (e instanceof ApiError) throw e;
      if (e instanceof BadWireBodyError) throw new ApiError('INVALID_JSON', `/api/${methodName}: ${e.message}`);
      throw new ApiError('INVALID_JSON', `/api/${methodName}: request body is not valid JSON (${(e as Error).message})`);
    }
    const { method, input } = parseApiCall<ApiMethod>(methodName, payload);
    const call = opts.service[method] as (i: unknown) => Promise<unknown>;
    const result = await call(input);
    send(req, res, 200, encodeWire(result), { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  } catch (e) {
    const err = toApiError(e);
    if (!res.headersSent) sendError(req, res, statusFor(err.code), { code: err.code, message: err.message });
  } finally {
    endTurn();
  }
}
