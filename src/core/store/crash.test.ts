import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './index';
import { photo, tempDir } from '../../../test/fixtures/store';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/crash-writer.mjs');

let cleanup = (): void => {};
afterEach(() => cleanup());

describe('crash safety', () => {
  it('a writer SIGKILLed mid-transaction leaves a sound database without the partial transaction', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = path.join(t.dir, 'renovo.db');

    const before = openStore(file);
    for (let i = 0; i < 10; i++) before.photos.add(photo(`parent-${i}`));
    before.close();

    const child = fork(writer, [file, '25', '20000'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = once(child, 'exit');
    const [msg] = (await Promise.race([
      once(child, 'message'),
      exited.then(([code]) => {
        throw new Error(`crash writer exited early with code ${String(code)}`);
      }),
    ])) as [unknown];
    expect(msg).toBe('ready');
    // The uncommitted transaction has spilled into the WAL: the crash happens with frames on disk.
    const wal = readdirSync(t.dir).find((f) => f.endsWith('-wal'));
    expect(wal).toBeDefined();
    expect(statSync(path.join(t.dir, wal!)).size).toBeGreaterThan(100_000);

    child.kill('SIGKILL');
    const [code, signal] = await exited;
    expect(code).toBeNull();
    expect(signal).toBe('SIGKILL');

    const after = openStore(file);
    expect(after.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(after.db.pragma('foreign_key_check')).toEqual([]);
    const paths = after.photos.list().map((p) => p.path);
    expect(paths.filter((p) => p.startsWith('/photos/parent-'))).toHaveLength(10);
    expect(paths.filter((p) => p.startsWith('/child/committed-'))).toHaveLength(25);
    expect(paths.filter((p) => p.startsWith('/child/pending-'))).toHaveLength(0);
    expect(paths).toHaveLength(35);
    // And the database is writable again.
    after.photos.add(photo('after-crash'));
    expect(after.photos.list()).toHaveLength(36);
    after.close();
  });
});
