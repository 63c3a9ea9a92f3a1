// The utility-process entry (core-process.ts) run for real — bundled as scripts/build.mjs bundles it —
// in a Node child whose `process.parentPort` is emulated over child_process IPC with structured
// clone. Exercises the whole main ↔ utility protocol against the real core service (library,
// database, worker_threads), everything except Electron itself.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../test/integration/build';
import { maskPng, photoPixels } from '../../test/fixtures/images';
import type { AppInfo, EditDto, JobEvent, PhotoDto } from '../shared/api';
import { CoreProcessCallError, CoreProcessClient, type UtilityPortLike } from './core-process-client';
import type { MainToCore } from './core-process-protocol';

const ROOT = process.cwd();
const OUT = join(ROOT, 'test-output', 'main-utility');

const SHIM = `
// Emulates Electron's process.parentPort over child_process IPC (serialization: 'advanced').
process.parentPort = {
  on(event, listener) {
    if (event === 'message') process.on('message', (data) => listener({ data, ports: [] }));
  },
  postMessage(message) {
    process.send(message);
  },
};
`;

/** Electron's UtilityProcess, as main uses it, over a forked Node child. */
class ChildPort implements UtilityPortLike {
  constructor(private readonly child: ChildProcess) {}
  postMessage(message: MainToCore): void {
    this.child.send(message);
  }
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'message' | 'exit', listener: ((message: unknown) => void) | ((code: number) => void)): this {
    if (event === 'message') this.child.on('message', listener as (message: unknown) => void);
    else this.child.on('exit', (code) => (listener as (code: number) => void)(code ?? -1));
    return this;
  }
  kill(): boolean {
    return this.child.kill();
  }
}

describe('utility process (core host) over the main ↔ utility protocol', () => {
  let workDir: string;
  let libraryDir: string;
  let client: CoreProcessClient;
  const events: JobEvent[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt(); // dist/worker (the job workers core spawns)
    await mkdir(OUT, { recursive: true });
    await build({
      entryPoints: [join(ROOT, 'src/main/core-process.ts')],
      outfile: join(OUT, 'core-process.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      external: ['electron'],
      logLevel: 'warning',
    });
    await writeFile(join(OUT, 'parent-port-shim.cjs'), SHIM);
    workDir = await mkdtemp(join(tmpdir(), 'renovo-utility-'));
    libraryDir = join(workDir, 'library');
    client = new CoreProcessClient({
      spawn: () => {
        const child = fork(join(OUT, 'core-process.cjs'), [`--library=${libraryDir}`], {
          execArgv: ['--require', join(OUT, 'parent-port-shim.cjs')],
          serialization: 'advanced',
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        return new ChildPort(child);
      },
      onEvent: (event) => events.push(event),
    });
  });

  afterAll(async () => {
    await client?.close(5000);
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('answers calls from the real service, as the desktop host', async () => {
    const info = (await client.call('getAppInfo', {})) as AppInfo;
    expect(info.host).toBe('desktop');
    expect(info.engines.length).toBeGreaterThan(0);
    expect(await client.call('listPhotos', {})).toEqual([]);
  });

  it('imports bytes (structured clone keeps Uint8Array), runs a job and relays its events', async () => {
    const px = photoPixels(96, 64);
    const jpeg = await sharp(px.data, { raw: { width: 96, height: 64, channels: 3 } }).jpeg().toBuffer();
    const photo = (await client.call('importPhoto', { name: 'tiny.jpg', bytes: new Uint8Array(jpeg) })) as PhotoDto;
    expect([photo.width, photo.height]).toEqual([96, 64]);

    const mask = new Uint8Array(await maskPng(96, 64, { kind: 'disc', cx: 58, cy: 35, r: 8 }));
    const { jobId } = (await client.call('startInpaint', {
      photoId: photo.id,
      parentEditId: null,
      mask,
      engine: 'auto',
      blend: 'normal',
      dilate: 2,
    })) as { jobId: string };
    await expect.poll(() => events.some((e) => e.jobId === jobId && e.type !== 'progress'), { timeout: 50_000 }).toBe(true);
    const last = events.filter((e) => e.jobId === jobId).at(-1)!;
    expect(last.type).toBe('done');
    const edit = (last as { edit: EditDto }).edit;
    expect(edit.photoId).toBe(photo.id);

    // renovo:// requests resolve through the library's own resolve().
    const abs = await client.resolveLibraryFile(edit.previewFile);
    expect(abs.startsWith(libraryDir) || abs.includes('renovo-utility-')).toBe(true);
  });

  it('keeps error codes, and refuses library paths that leave the library', async () => {
    const missing = await client.call('getPhoto', { photoId: 999 }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CoreProcessCallError);
    expect((missing as CoreProcessCallError).code).toMatch(/NOT_FOUND/);
    for (const rel of ['../outside.txt', 'previews/../../x', '/etc/passwd', 'etc/passwd']) {
      const refused = await client.resolveLibraryFile(rel).catch((e: unknown) => e);
      expect((refused as CoreProcessCallError).code, rel).toBe('OUTSIDE_LIBRARY');
    }
  });

  it('shuts down on request', async () => {
    await client.close(10_000);
    await expect.poll(() => children.every((c) => c.exitCode !== null || c.signalCode !== null)).toBe(true);
    expect(children[0]!.exitCode).toBe(0);
  });
});
