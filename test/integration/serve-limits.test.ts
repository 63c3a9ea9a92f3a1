// `renovo serve` against hostile uploads and names (issue 14.8, 14.9): a large upload is decoded
// as it streams (memory stays under ~2x the body), and library files are served by their sniffed
// image type, never by the name they were imported under.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoDto } from '../../src/shared/api';
import { BridgeClient, rawRequest } from './bridge-helpers';
import { BIN, ROOT, ensureBuilt } from './build';

let dir: string;
let child: ChildProcess;
let client: BridgeClient;

/** Resident memory of the server now and at its peak (Linux /proc). */
function memory(): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'renovo-serve-limits-'));
  child = spawn(process.execPath, [BIN, 'serve', '--json', '--port', '0', '--library', join(dir, 'lib')], {
    cwd: ROOT, env: { ...process.env, RENOVO_MODELS_DIR: join(dir, 'none') }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const end = out.indexOf('\n}');
      if (end >= 0) resolve(out.slice(0, end + 2));
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const { port, token } = JSON.parse(first) as { port: number; token: string };
  client = new BridgeClient(port, token);
}, 60_000);

afterAll(async () => {
  child?.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('renovo serve', () => {
  it('serves a JPEG imported as poly.html as image/jpeg, sandboxed and not sniffable', async () => {
    const jpeg = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#48c' } }).jpeg().toBuffer();
    const photo = await client.call<PhotoDto & { sha256: string }>('importPhoto', { name: 'poly.html', bytes: new Uint8Array(jpeg) });
    const res = await client.get(`/library/imports/${photo.sha256.slice(0, 2)}/${photo.sha256}/poly.html`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe('sandbox');
  });

  it.skipIf(process.platform !== 'linux')('a 96 MiB upload is decoded as it streams: extra memory well under the 5-6x of reading it whole', async () => {
    const bytes = Buffer.alloc(72 * 2 ** 20, 7); // not an image: refused after it is read
    const body = Buffer.concat([Buffer.from('{"name":"big.jpg","bytes":{"$bytes":"'), Buffer.from(bytes.toString('base64')), Buffer.from('"}}')]);
    const before = memory();
    const res = await rawRequest(client.port, { method: 'POST', path: '/api/importPhoto', headers: { 'Content-Type': 'application/json', ...client.auth }, body });
    expect(res.status).toBe(422);
    expect(res.json().code).toBe('NOT_AN_IMAGE');
    // (the previous test has loaded sharp and the service, so this measures the upload alone)
    // Measured: 1.6-2.4x the body (decoded bytes 0.75x + socket buffers awaiting GC); it was 5.8x.
    const grew = memory().peak - before.peak;
    expect(grew).toBeLessThan(3 * body.byteLength);
  }, 60_000);
});
