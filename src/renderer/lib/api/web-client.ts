// RenovoApi over the web bridge (`renovo serve`, docs/bridge-protocol.md): POST /api/<method> with the
// wire codec, cookie auth (set by the server on `/?token=`), job events over WebSocket /events.
import type { ApiMethod, JobEvent, RenovoApi } from '../../../shared/contract';
import { decodeWire, encodeWire } from '../../../shared/wire';
import { API_METHODS, ApiError } from '../../../shared/contract';
import { isErrorPayload } from './errors';

export interface WebClientOptions {
  /** Origin of the bridge, e.g. http://127.0.0.1:4000 (defaults to the page's origin). */
  origin?: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
}

export function encodeLibraryPath(file: string): string {
  return file
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** Implemented by transports whose job events arrive over a connection that opens asynchronously. */
export interface EventsAware {
  eventsReady(timeoutMs?: number): Promise<void>;
}

export function hasEventsReady(api: object): api is EventsAware {
  return typeof (api as Partial<EventsAware>).eventsReady === 'function';
}

export function createWebClient(options: WebClientOptions = {}): RenovoApi {
  const origin = options.origin ?? window.location.origin;
  const doFetch = options.fetch ?? window.fetch.bind(window);
  const Socket = options.WebSocket ?? window.WebSocket;
  const listeners = new Set<(event: JobEvent) => void>();
  let socket: WebSocket | null = null;
  let opened: Promise<void> | null = null;
  let markOpen: (() => void) | null = null;
  let retryDelay = 250;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  async function call(method: ApiMethod, input: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: encodeWire(input),
        credentials: 'same-origin',
      });
    } catch (cause) {
      throw new ApiError('NETWORK', `Cannot reach Renovo (${method}): ${(cause as Error).message ?? cause}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let payload: unknown = null;
      try {
        payload = JSON.parse(text);
      } catch {
        /* not JSON: fall through */
      }
      if (isErrorPayload(payload)) throw new ApiError(payload.code, payload.message);
      if (response.status === 401) throw new ApiError('UNAUTHORIZED', 'Session expired: open the link printed by `renovo serve` again.');
      throw new ApiError('HTTP_' + response.status, `${method} failed: HTTP ${response.status}`);
    }
    return decodeWire(text);
  }

  function eventsUrl(): string {
    const url = new URL('/events', origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  function connect(): void {
    if (socket || listeners.size === 0) return;
    const ws = new Socket(eventsUrl());
    socket = ws;
    if (!opened) opened = new Promise<void>((resolve) => (markOpen = resolve));
    ws.onopen = () => {
      retryDelay = 250;
      markOpen?.();
    };
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      let event: JobEvent;
      try {
        event = decodeWire(message.data) as JobEvent;
      } catch {
        return;
      }
      for (const listener of [...listeners]) listener(event);
    };
    ws.onclose = () => {
      socket = null;
      opened = null;
      markOpen = null;
      if (listeners.size === 0) return;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect();
      }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  }

  const api = {
    onJobEvent(listener: (event: JobEvent) => void): () => void {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          if (retryTimer) clearTimeout(retryTimer);
          retryTimer = null;
          socket?.close();
          socket = null;
        }
      };
    },
    libraryUrl(file: string): string {
      return `${origin}/library/${encodeLibraryPath(file)}`;
    },
    /** Resolves once job events flow (or after `timeoutMs`), so a job's first events are not missed. */
    eventsReady(timeoutMs = 5000): Promise<void> {
      if (socket && socket.readyState === 1) return Promise.resolve(); // OPEN
      connect();
      const waitOpen = opened ?? Promise.resolve();
      return Promise.race([waitOpen, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs))]);
    },
  } as Partial<RenovoApi & EventsAware> as Record<string, unknown>;
  for (const method of API_METHODS) {
    api[method] = (input: unknown) => call(method, input);
  }
  return api as unknown as RenovoApi;
}

