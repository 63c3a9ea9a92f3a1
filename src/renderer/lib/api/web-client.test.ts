import { describe, expect, it } from 'vitest';
import { encodeWire } from '../../../shared/wire';
import { ApiError as ClientApiError } from '../../../shared/contract';
import { createWebClient, hasEventsReady } from './web-client';

type Call = { url: string; init: RequestInit };

function fakeFetch(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return respond(call);
  }) as unknown as typeof fetch;
  return { fn, calls };
}

class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  close() {
    this.closed = true;
  }
}

describe('createWebClient', () => {
  it('POSTs wire-encoded payloads to /api/<method> and decodes byte arrays', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250]);
    const { fn, calls } = fakeFetch(() => new Response(encodeWire({ fileName: 'a.png', mime: 'image/png', bytes }), { status: 200 }));
    const api = createWebClient({ origin: 'http://127.0.0.1:9', fetch: fn, WebSocket: FakeSocket as unknown as typeof WebSocket });
    const result = await api.exportImage({ photoId: 1, editId: null, format: 'png' });
    expect(result.bytes).toBeInstanceOf(Uint8Array);
    expect([...result.bytes]).toEqual([0, 1, 2, 250]);
    expect(calls[0]!.url).toBe('http://127.0.0.1:9/api/exportImage');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.credentials).toBe('same-origin');

    await api.importPhoto({ name: 'x.jpg', bytes });
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({ name: 'x.jpg', bytes: { $bytes: 'AAEC+g==' } });
  });

  it('turns error responses into errors with the bridge’s code and message', async () => {
    const { fn } = fakeFetch(() => new Response(JSON.stringify({ code: 'INVALID_PAYLOAD', message: 'getPhoto: invalid photoId' }), { status: 400 }));
    const api = createWebClient({ origin: 'http://h', fetch: fn, WebSocket: FakeSocket as unknown as typeof WebSocket });
    const error = await api.getPhoto({ photoId: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientApiError);
    expect(error).toMatchObject({ code: 'INVALID_PAYLOAD', message: 'getPhoto: invalid photoId' });

    const { fn: fn401 } = fakeFetch(() => new Response('nope', { status: 401 }));
    const api401 = createWebClient({ origin: 'http://h', fetch: fn401, WebSocket: FakeSocket as unknown as typeof WebSocket });
    await expect(api401.listPhotos({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const apiDown = createWebClient({ origin: 'http://h', fetch: failing, WebSocket: FakeSocket as unknown as typeof WebSocket });
    await expect(apiDown.listPhotos({})).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('delivers job events from the /events socket and closes it when nobody listens', async () => {
    FakeSocket.instances = [];
    const { fn } = fakeFetch(() => new Response('{}'));
    const api = createWebClient({ origin: 'http://127.0.0.1:9', fetch: fn, WebSocket: FakeSocket as unknown as typeof WebSocket });
    const seen: unknown[] = [];
    const dispose = api.onJobEvent((e) => seen.push(e));
    const socket = FakeSocket.instances[0]!;
    expect(socket.url).toBe('ws://127.0.0.1:9/events');
    expect(hasEventsReady(api)).toBe(true);
    const ready = hasEventsReady(api) ? api.eventsReady(10_000) : Promise.resolve();
    socket.open();
    await ready;
    socket.onmessage?.({ data: encodeWire({ jobId: 'j', type: 'progress', fraction: 0.25, message: 'x' }) });
    socket.onmessage?.({ data: 'not json' });
    expect(seen).toEqual([{ jobId: 'j', type: 'progress', fraction: 0.25, message: 'x' }]);
    dispose();
    expect(socket.closed).toBe(true);
  });

  it('builds encoded library URLs', () => {
    const api = createWebClient({ origin: 'http://h:1', fetch: fakeFetch(() => new Response('')).fn, WebSocket: FakeSocket as unknown as typeof WebSocket });
    expect(api.libraryUrl('previews/ab/a b#c.jpg')).toBe('http://h:1/library/previews/ab/a%20b%23c.jpg');
  });
});
