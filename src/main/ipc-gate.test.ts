import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../shared/api';
import { createInvokeHandler, isTrustedSender, toErrorPayload, type InvokeEventLike } from './ipc-gate';

const WINDOW_ID = 7;
const ok: InvokeEventLike = { sender: { id: WINDOW_ID }, senderFrame: { url: 'app://renovo/index.html', parent: null } };

function setup(dispatchImpl?: (method: string, input: unknown) => Promise<unknown>) {
  const dispatch = vi.fn(dispatchImpl ?? (async (method: string) => ({ called: method })));
  const refused: string[] = [];
  const handler = createInvokeHandler({
    trustedWebContentsId: () => WINDOW_ID,
    dispatch,
    onRefused: (reason) => refused.push(reason),
  });
  return { handler, dispatch, refused };
}

describe('isTrustedSender', () => {
  it('accepts only the app window’s main frame on the app origin', () => {
    expect(isTrustedSender(ok, WINDOW_ID)).toBe(true);
    expect(isTrustedSender(ok, null)).toBe(false);
    expect(isTrustedSender({ ...ok, sender: { id: 8 } }, WINDOW_ID)).toBe(false);
    expect(isTrustedSender({ ...ok, senderFrame: null }, WINDOW_ID)).toBe(false);
    expect(isTrustedSender({ ...ok, senderFrame: { url: 'https://evil.example/', parent: null } }, WINDOW_ID)).toBe(false);
    expect(isTrustedSender({ ...ok, senderFrame: { url: 'app://renovo/index.html', parent: {} } }, WINDOW_ID)).toBe(false);
    expect(isTrustedSender({ ...ok, senderFrame: { url: 'file:///index.html' } }, WINDOW_ID)).toBe(false);
  });
});

describe('createInvokeHandler', () => {
  it('dispatches a valid call with the parsed input', async () => {
    const { handler, dispatch } = setup();
    await expect(handler(ok, 'getPhoto', { photoId: 3 })).resolves.toEqual({ ok: true, value: { called: 'getPhoto' } });
    expect(dispatch).toHaveBeenCalledWith('getPhoto', { photoId: 3 });
  });

  it('keeps Uint8Array payloads', async () => {
    const { handler, dispatch } = setup();
    const bytes = new Uint8Array([1, 2, 3]);
    await handler(ok, 'importPhoto', { name: 'a.jpg', bytes });
    expect(dispatch.mock.calls[0]![1]).toEqual({ name: 'a.jpg', bytes });
  });

  it('refuses foreign senders without dispatching', async () => {
    const { handler, dispatch, refused } = setup();
    const foreign = { sender: { id: 99 }, senderFrame: { url: 'app://renovo/index.html', parent: null } };
    const reply = await handler(foreign, 'listPhotos', {});
    expect(reply).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
    const remote = { sender: { id: WINDOW_ID }, senderFrame: { url: 'https://evil.example/x', parent: null } };
    expect((await handler(remote, 'listPhotos', {})).ok).toBe(false);
    expect(dispatch).not.toHaveBeenCalled();
    expect(refused).toHaveLength(2);
  });

  it('refuses unknown methods', async () => {
    const { handler, dispatch } = setup();
    for (const method of ['deleteEverything', '__proto__', 'constructor', 'toString', 42, null, undefined, { m: 1 }]) {
      const reply = await handler(ok, method, {});
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('UNKNOWN_METHOD');
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuses malformed payloads and names the field', async () => {
    const { handler, dispatch } = setup();
    const cases: Array<[string, unknown, RegExp]> = [
      ['getPhoto', { photoId: -1 }, /photoId/],
      ['getPhoto', { photoId: '1' }, /photoId/],
      ['getPhoto', {}, /photoId/],
      ['getPhoto', null, /payload|invalid/],
      ['getPhoto', 'x', /payload|invalid/],
      ['listPhotos', { extra: true }, /invalid/],
      ['importPhoto', { name: '../../etc/passwd', bytes: new Uint8Array(1) }, /name/],
      ['importPhoto', { name: 'a.jpg', bytes: [1, 2, 3] }, /bytes/],
      ['startInpaint', { photoId: 1, parentEditId: null, mask: new Uint8Array(1), engine: 'rm -rf', blend: 'off', dilate: 0 }, /engine/],
      ['exportImage', { photoId: 1, editId: null, format: 'exe' }, /format/],
      ['cancelJob', { jobId: 'x'.repeat(65) }, /jobId/],
    ];
    for (const [method, payload, pattern] of cases) {
      const reply = await handler(ok, method, payload);
      expect(reply.ok, `${method} ${JSON.stringify(payload)}`).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe('INVALID_PAYLOAD');
        expect(reply.error.message).toMatch(pattern);
      }
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('returns dispatch failures as {code, message}', async () => {
    const { handler } = setup(async () => {
      throw new ApiError('NOT_FOUND', 'Photo 5 does not exist');
    });
    expect(await handler(ok, 'getPhoto', { photoId: 5 })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Photo 5 does not exist' },
    });
    const { handler: h2 } = setup(async () => {
      throw new Error('boom');
    });
    expect(await h2(ok, 'listPhotos', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});

describe('toErrorPayload', () => {
  it('keeps codes from error-like objects and stringifies the rest', () => {
    expect(toErrorPayload({ code: 'OUTSIDE_LIBRARY', message: 'no' })).toEqual({ code: 'OUTSIDE_LIBRARY', message: 'no' });
    expect(toErrorPayload('weird')).toEqual({ code: 'INTERNAL', message: 'weird' });
  });
});
