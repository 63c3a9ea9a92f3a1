import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../shared/api';
import { CoreProcessCallError, CoreProcessClient, type UtilityPortLike } from './core-process-client';
import type { MainToCore, CoreToMain } from './core-process-protocol';

/** A fake utility process: answers calls through `reply`, records what main sent. */
class FakeUtility extends EventEmitter implements UtilityPortLike {
  sent: MainToCore[] = [];
  killed = false;
  constructor(
    private readonly reply: (m: MainToCore, self: FakeUtility) => void,
    first: CoreToMain = { type: 'ready' },
  ) {
    super();
    queueMicrotask(() => this.emit('message', first));
  }
  postMessage(message: MainToCore): void {
    this.sent.push(message);
    queueMicrotask(() => this.reply(message, this));
  }
  kill(): boolean {
    this.killed = true;
    queueMicrotask(() => this.emit('exit', 137));
    return true;
  }
  send(message: CoreToMain): void {
    this.emit('message', message);
  }
}

const echo = (m: MainToCore, self: FakeUtility) => {
  if (m.type === 'call') self.send({ type: 'result', id: m.id, ok: true, value: { method: m.method, input: m.input } });
  if (m.type === 'resolve') self.send({ type: 'result', id: m.id, ok: true, value: `/lib/${m.rel}` });
  if (m.type === 'shutdown') self.emit('exit', 0);
};

describe('CoreProcessClient', () => {
  it('starts the process lazily and matches replies to calls', async () => {
    const spawned: FakeUtility[] = [];
    const client = new CoreProcessClient({ spawn: () => (spawned.push(new FakeUtility(echo)), spawned.at(-1)!), onEvent: () => {} });
    const [a, b] = await Promise.all([client.call('listPhotos', {}), client.call('getPhoto', { photoId: 2 })]);
    expect(a).toEqual({ method: 'listPhotos', input: {} });
    expect(b).toEqual({ method: 'getPhoto', input: { photoId: 2 } });
    expect(spawned).toHaveLength(1);
    expect(await client.resolveLibraryFile('previews/a.jpg')).toBe('/lib/previews/a.jpg');
  });

  it('turns error replies into CoreProcessCallError with the code', async () => {
    const client = new CoreProcessClient({
      spawn: () =>
        new FakeUtility((m, self) => {
          if (m.type === 'call') self.send({ type: 'result', id: m.id, ok: false, error: { code: 'NOT_FOUND', message: 'gone' } });
        }),
      onEvent: () => {},
    });
    const error = await client.call('getPhoto', { photoId: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreProcessCallError);
    expect((error as CoreProcessCallError).payload).toEqual({ code: 'NOT_FOUND', message: 'gone' });
  });

  it('relays job events', async () => {
    const events: JobEvent[] = [];
    let child: FakeUtility | undefined;
    const client = new CoreProcessClient({ spawn: () => (child = new FakeUtility(echo)), onEvent: (e) => events.push(e) });
    await client.start();
    child!.send({ type: 'event', event: { jobId: 'j1', type: 'progress', fraction: 0.5, message: 'half' } });
    child!.send({ type: 'bogus' } as unknown as CoreToMain);
    expect(events).toEqual([{ jobId: 'j1', type: 'progress', fraction: 0.5, message: 'half' }]);
  });

  it('rejects pending calls when the process dies and restarts on the next call', async () => {
    const spawned: FakeUtility[] = [];
    const client = new CoreProcessClient({
      spawn: () => {
        const first = spawned.length === 0;
        const child = new FakeUtility((m, self) => (first ? self.emit('exit', 9) : echo(m, self)));
        spawned.push(child);
        return child;
      },
      onEvent: () => {},
    });
    const error = await client.call('listPhotos', {}).catch((e: unknown) => e);
    expect((error as CoreProcessCallError).code).toBe('ENGINE_EXITED');
    await expect(client.call('listPhotos', {})).resolves.toEqual({ method: 'listPhotos', input: {} });
    expect(spawned).toHaveLength(2);
  });

  it('reports a failed start and closes cleanly', async () => {
    const client = new CoreProcessClient({
      spawn: () => new FakeUtility(echo, { type: 'fatal', error: { code: 'INTERNAL', message: 'db locked' } }),
      onEvent: () => {},
    });
    await expect(client.call('listPhotos', {})).rejects.toMatchObject({ payload: { message: 'db locked' } });
    const ok = new CoreProcessClient({ spawn: () => new FakeUtility(echo), onEvent: () => {} });
    await ok.start();
    await ok.close(100);
    await expect(ok.call('listPhotos', {})).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
