// The web bridge (`renovo serve`) in-process: security checks, payload validation, library file
// access and a full call sequence over HTTP + WebSocket.
import { existsSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server';
import type { EditDto, JobEvent, PhotoDto } from '../../src/shared/api';
import { FIXTURE_MASK_RECT, makeFixtureDir, maskPng, photoPixels, type FixtureDir } from '../fixtures/images';
import { BridgeClient, rawRequest, wire } from './bridge-helpers';
import { ensureBuilt } from './build';

let fx: FixtureDir;
let work: string;
let server: RunningServer;
let client: BridgeClient;
let rendererDir: string;

beforeAll(async () => {
  await ensureBuilt();
  fx = await makeFixtureDir();
  work = await mkdtemp(join(tmpdir(), 'renovo-bridge-'));
  rendererDir = join(work, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Renovo</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("renovo")');
  server = await startServer({ libraryDir: join(work, 'library'), rendererDir, port: 0 });
  client = new BridgeClient(server.port, server.token);
});

afterAll(async () => {
  await server?.close();
  await fx?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('token', () => {
  it('is 32 random bytes in hex and appears in the printed URL', () => {
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('refuses requests without the token or with a wrong one (401)', async () => {
    const noToken = await rawRequest(server.port, { path: '/' });
    expect(noToken.status).toBe(401);
    const wrong = await rawRequest(server.port, { path: '/', headers: { Authorization: `Bearer ${'0'.repeat(64)}` } });
    expect(wrong.status).toBe(401);
    const api = await rawRequest(server.port, { method: 'POST', path: '/api/listPhotos', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(401);
    expect(api.json().code).toBe('UNAUTHORIZED');
    const lib = await rawRequest(server.port, { path: '/library/previews/x.webp', headers: { Cookie: 'renovo_token=nope' } });
    expect(lib.status).toBe(401);
    const wrongUrlToken = await rawRequest(server.port, { path: '/?token=abc' });
    expect(wrongUrlToken.status).toBe(401);
  });

  it('trades ?token= for an HttpOnly SameSite=Strict cookie and redirects to /', async () => {
    const res = await rawRequest(server.port, { path: `/?token=${server.token}` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`renovo_token=${server.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const page = await rawRequest(server.port, { path: '/', headers: { Cookie: `renovo_token=${server.token}` } });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>Renovo</title>');
  });
});

describe('Host and Origin', () => {
  it('refuses a foreign Host header (403), even with the token', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `127.0.0.1`]) {
      const res = await rawRequest(server.port, { path: '/', headers: { ...client.auth, Host: host } });
      expect(res.status, host).toBe(403);
    }
  });

  it('accepts localhost and [::1] forms of the Host', async () => {
    for (const host of [`localhost:${server.port}`, `[::1]:${server.port}`]) {
      const res = await rawRequest(server.port, { path: '/', headers: { ...client.auth, Host: host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses a foreign Origin (403)', async () => {
    for (const origin of ['http://evil.example', `https://127.0.0.1:${server.port}`, 'null', `http://127.0.0.1:${server.port + 1}`]) {
      const res = await client.post('listPhotos', '{}', { Origin: origin });
      expect(res.status, origin).toBe(403);
    }
    const same = await client.post('listPhotos', '{}', { Origin: `http://127.0.0.1:${server.port}` });
    expect(same.status).toBe(200);
  });

  it('checks the WebSocket upgrade too', async () => {
    await expect(client.events({})).rejects.toMatchObject({ status: 401 });
    await expect(client.events({ Authorization: 'Bearer wrong' })).rejects.toMatchObject({ status: 401 });
    await expect(client.events({ ...client.auth, Origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403 });
    const ok = await client.events();
    ok.close();
  });
});

describe('POST /api/<method>', () => {
  it('answers unknown methods with 404 and other HTTP methods with 405', async () => {
    const res = await client.post('deleteEverything', '{}');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ code: 'UNKNOWN_METHOD' });
    const proto = await client.post('__proto__', '{}');
    expect(proto.status).toBe(404);
    const get = await client.get('/api/listPhotos');
    expect(get.status).toBe(405);
  });

  it('refuses malformed payloads with 400 and a message naming the field', async () => {
    const cases: [string, string, RegExp][] = [
      ['getPhoto', '{"photoId": "1"}', /getPhoto: invalid photoId/],
      ['getPhoto', '{"photoId": -3}', /getPhoto: invalid photoId/],
      ['getPhoto', '{"photoId": 1.5}', /getPhoto: invalid photoId/],
      ['getPhoto', '{}', /getPhoto: invalid photoId/],
      ['listPhotos', '{"extra": true}', /listPhotos: invalid payload: Unrecognized key/],
      ['importPhoto', '{"name": "a.jpg", "bytes": "not bytes"}', /importPhoto: invalid bytes/],
      ['importPhoto', wire({ name: '../../etc/passwd', bytes: new Uint8Array(3) }), /importPhoto: invalid name/],
      ['startInpaint', wire({ photoId: 1, parentEditId: null, mask: new Uint8Array(1), engine: 'magic', blend: 'off', dilate: 0 }), /startInpaint: invalid engine/],
      ['startInpaint', wire({ photoId: 1, parentEditId: null, mask: new Uint8Array(1), engine: 'auto', blend: 'off', dilate: 1000 }), /startInpaint: invalid dilate/],
      ['listPhotos', '[]', /listPhotos: invalid payload/],
      ['listPhotos', 'null', /listPhotos: invalid payload/],
    ];
    for (const [method, body, message] of cases) {
      const res = await client.post(method, body);
      expect(res.status, body).toBe(400);
      expect(res.json().code).toBe('INVALID_PAYLOAD');
      expect(res.json().message).toMatch(message);
    }
  });

  it('refuses invalid JSON and a wrong Content-Type with 400', async () => {
    for (const body of ['{', '', 'undefined', '{"bytes": {"$bytes": "%%%"}}']) {
      const res = await client.post('listPhotos', body);
      expect(res.status, body).toBe(400);
      expect(res.json().code).toBe('INVALID_JSON');
    }
    const form = await client.post('listPhotos', '{}', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
  });

  it('answers input the core rejects with 422 and a clear code', async () => {
    const missing = await client.post('getPhoto', '{"photoId": 999}');
    expect(missing.status).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'PHOTO_NOT_FOUND' });
    const notImage = await client.post('importPhoto', wire({ name: 'notes.jpg', bytes: new TextEncoder().encode('hello') }));
    expect(notImage.status).toBe(422);
    expect(notImage.json().message).toContain('notes.jpg');
    const truncated = await client.post('importPhoto', wire({ name: 'cut.jpg', bytes: await readFile(fx.paths.truncatedJpeg) }));
    expect(truncated.status).toBe(422);
    expect(truncated.json()).toMatchObject({ code: 'TRUNCATED' });
    expect(truncated.json().message).toContain('cut.jpg');
  });

  it('limits the body size (413)', async () => {
    const small = await startServer({ libraryDir: join(work, 'library-small'), rendererDir, port: 0, maxBodyBytes: 1024 });
    try {
      const c = new BridgeClient(small.port, small.token);
      const res = await c.post('importPhoto', wire({ name: 'big.png', bytes: new Uint8Array(4096) }));
      expect(res.status).toBe(413);
      expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });
});

describe('static renderer', () => {
  it('serves index.html and assets with a strict CSP', async () => {
    const page = await client.get('/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const asset = await client.get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await client.get('/assets/nope.js')).status).toBe(404);
    expect((await client.get('/assets/../../library/renovo.db')).status).toBe(403);
  });

  it('shows a 503 page saying to build when the renderer is missing', async () => {
    const bare = await startServer({ libraryDir: join(work, 'library-bare'), rendererDir: join(work, 'no-renderer'), port: 0 });
    try {
      const c = new BridgeClient(bare.port, bare.token);
      const res = await c.get('/');
      expect(res.status).toBe(503);
      expect(res.body.toString()).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});

describe('a full session over HTTP + WebSocket', () => {
  let photo: PhotoDto;
  let edit: EditDto;

  it('imports a photo, inpaints it, sees the done event and lists the edit', async () => {
    const events = await client.events();
    try {
      const bytes = await readFile(fx.paths.photoPng);
      photo = await client.call<PhotoDto>('importPhoto', { name: 'photo.png', bytes });
      expect(photo).toMatchObject({ width: 96, height: 64, format: 'png' });
      expect(photo.previewFile).toBe(`previews/${photo.sha256}.webp`);
      const again = await client.call<PhotoDto>('importPhoto', { name: 'copy.png', bytes });
      expect(again.id).toBe(photo.id); // content-addressed: one photo per content

      const preview = await client.get(`/library/${photo.previewFile}`);
      expect(preview.status).toBe(200);
      expect(preview.headers['content-type']).toBe('image/webp');

      const mask = await readFile(fx.paths.maskRect);
      const { jobId } = await client.call<{ jobId: string }>('startInpaint', {
        photoId: photo.id,
        parentEditId: null,
        mask,
        engine: 'auto',
        blend: 'normal',
        dilate: 2,
        seed: 3,
      });
      const done = (await events.next((e) => e.jobId === jobId && e.type !== 'progress')) as Extract<JobEvent, { type: 'done' }>;
      expect(done.type).toBe('done');
      edit = done.edit;
      expect(edit).toMatchObject({ photoId: photo.id, parentId: null, kind: 'inpaint', params: { blend: 'normal', dilate: 2, seed: 3 } });
      expect(['patchmatch', 'telea', 'harmonic']).toContain(edit.engine);

      const edits = await client.call<EditDto[]>('listEdits', { photoId: photo.id });
      expect(edits.map((e) => e.id)).toEqual([edit.id]);
      for (const f of [edit.outputFile, edit.maskFile!, edit.previewFile]) {
        expect((await client.get(`/library/${f}`)).status, f).toBe(200);
      }
    } finally {
      events.close();
    }
  });

  it('chains an edit on an edit and exports it with the original name', async () => {
    const events = await client.events();
    try {
      const mask = await maskPng(96, 64, { kind: 'disc', cx: 70, cy: 15, r: 5 });
      const { jobId } = await client.call<{ jobId: string }>('startInpaint', {
        photoId: photo.id, parentEditId: edit.id, mask, engine: 'telea', blend: 'off', dilate: 0,
      });
      const done = await events.next((e) => e.jobId === jobId && e.type !== 'progress');
      expect(done.type).toBe('done');
      const child = (done as Extract<JobEvent, { type: 'done' }>).edit;
      expect(child.parentId).toBe(edit.id);
      expect(child.engine).toBe('telea');

      const exported = await client.call<{ fileName: string; mime: string; bytes: Uint8Array }>('exportImage', { photoId: photo.id, editId: child.id, format: 'jpeg', quality: 90 });
      expect(exported.fileName).toBe('photo-renovo.jpg');
      expect(exported.mime).toBe('image/jpeg');
      const meta = await sharp(exported.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 96, 64]);
    } finally {
      events.close();
    }
  });

  it('refuses a mask of the wrong size or an empty mask before starting a job (422)', async () => {
    const wrong = await client.post('startInpaint', wire({ photoId: photo.id, parentEditId: null, mask: await readFile(fx.paths.maskWrongSize), engine: 'auto', blend: 'off', dilate: 0 }));
    expect(wrong.status).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'MASK_SIZE_MISMATCH' });
    expect(wrong.json().message).toContain('50×50');
    const empty = await client.post('startInpaint', wire({ photoId: photo.id, parentEditId: null, mask: await readFile(fx.paths.maskEmpty), engine: 'auto', blend: 'off', dilate: 0 }));
    expect(empty.status).toBe(422);
    expect(empty.json()).toMatchObject({ code: 'EMPTY_MASK' });
    const otherParent = await client.post('startInpaint', wire({ photoId: photo.id, parentEditId: 9999, mask: await readFile(fx.paths.maskRect), engine: 'auto', blend: 'off', dilate: 0 }));
    expect(otherParent.status).toBe(422);
    expect(otherParent.json()).toMatchObject({ code: 'EDIT_NOT_FOUND' });
  });

  it('deletes an edit subtree and its files', async () => {
    const before = await client.call<EditDto[]>('listEdits', { photoId: photo.id });
    expect(before.length).toBe(2);
    const res = await client.call<{ deletedEditIds: number[] }>('deleteEdit', { editId: edit.id });
    expect(res.deletedEditIds.sort()).toEqual(before.map((e) => e.id).sort());
    expect(await client.call('listEdits', { photoId: photo.id })).toEqual([]);
    for (const e of before) {
      expect((await client.get(`/library/${e.outputFile}`)).status).toBe(404);
      expect((await client.get(`/library/${e.previewFile}`)).status).toBe(404);
    }
    expect((await client.get(`/library/${photo.previewFile}`)).status).toBe(200);
  });

  it('cancels a running job: cancelled event, nothing recorded', async () => {
    const W = 1400;
    const H = 1000;
    const img = photoPixels(W, H);
    const bytes = await sharp(img.data, { raw: { width: W, height: H, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
    const big = await client.call<PhotoDto>('importPhoto', { name: 'big.png', bytes });
    const mask = await maskPng(W, H, { kind: 'rect', x: 400, y: 300, width: 500, height: 400 });
    const events = await client.events();
    try {
      const { jobId } = await client.call<{ jobId: string }>('startInpaint', { photoId: big.id, parentEditId: null, mask, engine: 'patchmatch', blend: 'normal', dilate: 0 });
      await events.next((e) => e.jobId === jobId && e.type === 'progress');
      const t0 = Date.now();
      expect(await client.call('cancelJob', { jobId })).toEqual({ cancelled: true });
      const end = await events.next((e) => e.jobId === jobId && e.type !== 'progress');
      expect(end.type).toBe('cancelled');
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(await client.call('listEdits', { photoId: big.id })).toEqual([]);
      expect(await client.call('cancelJob', { jobId })).toEqual({ cancelled: false });
    } finally {
      events.close();
    }
  });
});

describe('GET /library/<file>', () => {
  it('refuses traversal, encoded traversal and absolute paths (403)', async () => {
    const attempts = [
      '/library/../renovo.db',
      '/library/%2e%2e/renovo.db',
      '/library/%2E%2E%2Frenovo.db',
      '/library/previews/..%2F..%2Frenovo.db',
      '/library/previews/%2e%2e/%2e%2e/etc/passwd',
      '/library//etc/passwd',
      '/library/%2Fetc%2Fpasswd',
      '/library/..%5C..%5Crenovo.db',
      '/library/previews/%00.webp',
      '/library/renovo.db',
      '/library/%E0%A4%A',
    ];
    for (const path of attempts) {
      const res = await client.get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).not.toBe(200);
      expect(res.body.toString(), path).not.toContain('root:');
      expect(res.body.toString(), path).not.toContain('SQLite');
    }
    for (const path of attempts.slice(0, 9)) expect((await client.get(path)).status, path).toBe(403);
  });

  it('refuses symlinks that leave the library', async () => {
    const link = join(work, 'library', 'previews', 'escape.webp');
    if (!existsSync(link)) symlinkSync('/etc/passwd', link);
    const res = await client.get('/library/previews/escape.webp');
    expect(res.status).toBe(403);
    expect(res.body.toString()).not.toContain('root:');
  });

  it('answers 404 for a missing file', async () => {
    expect((await client.get(`/library/outputs/ab/${'a'.repeat(64)}.png`)).status).toBe(404);
  });
});

describe('mask rectangle sanity', () => {
  it('uses the standard fixture hole', () => {
    expect(FIXTURE_MASK_RECT.kind).toBe('rect');
  });
});
