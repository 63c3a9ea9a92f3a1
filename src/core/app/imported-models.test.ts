// Imported inpainting models through the app layer (issue 18): import by the API (the editor's
// Import model…) and by path (the CLI), listing, inpainting on a worker, the edit record, deletion,
// a library reopened; refusals for mismatched, non-ONNX, truncated, duplicate and hostile inputs
// with nothing left behind.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { closeSync, openSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent, EditDto } from '../../shared/api';
import { apiInputs } from '../../shared/schemas';
import { Library } from '../library';
import { customModel, lamaLikeModel, miganLikeModel, type Rgb } from '../../../test/fixtures/onnx-inpainters';
import { makeScanFolder } from '../../../test/fixtures/restore';
import { importInpainter } from './inpainters';
import { inpaintFile } from './inpaint-file';
import { createRenovoService, type RenovoService } from './service';

const RED: Rgb = [220, 20, 60];
const W = 96, H = 80;
let dir: string;
let workerPath: string;
let photoBytes: Uint8Array<ArrayBuffer>;
let maskBytes: Uint8Array<ArrayBuffer>;

const lib = (): string => join(dir, 'lib');
const open = (): Promise<RenovoService> => createRenovoService({ libraryDir: lib(), host: 'web', runner: { size: 1, workerPath } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-imported-'));
  process.env.RENOVO_MODELS_DIR = join(dir, 'no-shipped-models');
  workerPath = join(process.cwd(), 'test-output', `imported-worker-${process.pid}.cjs`);
  await build({ bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', entryPoints: ['src/core/app/workers/job-worker.ts'], outfile: workerPath });
  const px = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) { px[i * 3] = (i % W) * 2; px[i * 3 + 1] = 140; px[i * 3 + 2] = Math.floor(i / W) * 3; }
  photoBytes = new Uint8Array(await sharp(px, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer());
  await writeFile(join(dir, 'photo.png'), photoBytes);
  const mk = Buffer.alloc(W * H);
  for (let y = 30; y < 50; y++) for (let x = 40; x < 64; x++) mk[y * W + x] = 255;
  maskBytes = new Uint8Array(await sharp(mk, { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
  await writeFile(join(dir, 'mask.png'), maskBytes);
  await writeFile(join(dir, 'big-lama.onnx'), lamaLikeModel(RED));
  await writeFile(join(dir, 'migan_pipeline_v2.onnx'), miganLikeModel(RED));
  await writeFile(join(dir, 'custom.onnx'), customModel(RED));
  await writeFile(join(dir, 'lama256.onnx'), lamaLikeModel(RED, { side: 256 }));
  await writeFile(join(dir, 'photo-renamed.onnx'), photoBytes);
  const lama = lamaLikeModel(RED);
  await writeFile(join(dir, 'cut.onnx'), lama.slice(0, Math.floor(lama.length * 0.6)));
}, 60_000);

afterAll(async () => {
  delete process.env.RENOVO_MODELS_DIR;
  await rm(dir, { recursive: true, force: true });
  await rm(workerPath, { force: true });
});

function waitForJob(svc: RenovoService, jobId: string): Promise<JobEvent> {
  return new Promise((resolve) => {
    const off = svc.onJobEvent((e) => {
      if (e.jobId === jobId && (e.type === 'done' || e.type === 'failed' || e.type === 'cancelled')) { off(); resolve(e); }
    });
  });
}

async function holeColour(bytes: Uint8Array): Promise<number[]> {
  const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const p = (40 * W + 52) * 3; // inside the hole
  return [data[p], data[p + 1], data[p + 2]];
}

/** Files in the library's models area (content-addressed). */
async function modelFiles(): Promise<string[]> {
  const root = join(lib(), 'models');
  const out: string[] = [];
  for (const d of await readdir(root).catch(() => [])) for (const f of await readdir(join(root, d)).catch(() => [])) out.push(f);
  return out;
}

describe('imported inpainting models through the API', () => {
  it('imports, lists, inpaints with, records and deletes a model; it survives a reopen', async () => {
    let svc = await open();
    const lama = await svc.importModel({ fileName: 'big-lama.onnx', bytes: lamaLikeModel(RED), kind: 'inpainter', preset: 'lama-512' });
    expect(lama).toMatchObject({ name: 'big-lama', version: 1, source: 'imported', kind: 'inpainter', architecture: 'onnx-inpainter', summary: expect.stringContaining('lama-512: 512×512') });
    const migan = await svc.importModel({ fileName: 'migan_pipeline_v2.onnx', bytes: miganLikeModel(RED), kind: 'inpainter', preset: 'auto', name: 'migan' });
    expect(migan.summary).toMatch(/^migan-512/);
    expect((await svc.listModels({})).map((m) => [m.name, m.kind])).toEqual([['big-lama', 'inpainter'], ['migan', 'inpainter']]);
    await svc.close();

    svc = await open(); // reopened library: still there and usable
    expect((await svc.listModels({})).map((m) => m.name)).toEqual(['big-lama', 'migan']);
    const photo = await svc.importPhoto({ name: 'photo.png', bytes: photoBytes });
    for (const m of [lama, migan]) {
      const { jobId } = await svc.startInpaint({ photoId: photo.id, parentEditId: null, mask: maskBytes, engine: 'onnx', blend: 'off', dilate: 0, modelId: m.id });
      const ev = await waitForJob(svc, jobId);
      expect(ev.type).toBe('done');
      const edit = (ev as { edit: EditDto }).edit;
      expect(edit).toMatchObject({ engine: 'onnx', modelVersionId: m.id, params: { model: { id: m.id, name: m.name, version: 1 }, onnx: { preset: m.summary?.split(':')[0], provider: expect.any(String) } } });
      const out = await svc.exportImage({ photoId: photo.id, editId: edit.id, format: 'png' });
      expect(await holeColour(out.bytes)).toEqual([...RED]);
    }
    // deleting the model keeps the edits (their record names it) and removes its file
    const before = await modelFiles();
    await svc.deleteModel({ modelId: lama.id });
    expect((await svc.listModels({})).map((m) => m.name)).toEqual(['migan']);
    expect((await modelFiles()).length).toBe(before.length - 1);
    const edits = await svc.listEdits({ photoId: photo.id });
    expect(edits[0]).toMatchObject({ modelVersionId: null, params: { model: { name: 'big-lama' } } });
    await expect(svc.deleteModel({ modelId: lama.id })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await svc.close();
  });

  it('refuses bad files with clear messages and leaves nothing behind', async () => {
    const svc = await open();
    const rows = (await svc.listModels({})).length;
    const files = await modelFiles();
    const refuse = (fileName: string, bytes: Uint8Array<ArrayBuffer>, preset: 'lama-512' | 'migan-512' | 'auto' = 'lama-512') => svc.importModel({ fileName, bytes, kind: 'inpainter', preset });
    await expect(refuse('lama256.onnx', lamaLikeModel(RED, { side: 256 }))).rejects.toMatchObject({
      code: 'MODEL_SIGNATURE', message: expect.stringMatching(/expected inputs image \[1,3,512,512\] float32.*found inputs image \[1,3,256,256\] float32/),
    });
    await expect(refuse('lama256.onnx', lamaLikeModel(RED, { side: 256 }), 'auto')).rejects.toMatchObject({ message: expect.stringMatching(/no preset fits; describe it with preset custom/) });
    await expect(refuse('photo.onnx', photoBytes)).rejects.toMatchObject({ code: 'NOT_AN_ONNX_MODEL', message: expect.stringMatching(/^photo.onnx: not an ONNX model/) });
    await expect(refuse('empty.onnx', new Uint8Array(0))).rejects.toMatchObject({ code: 'NOT_AN_ONNX_MODEL', message: 'empty.onnx: the file is empty' });
    const lama = lamaLikeModel(RED);
    await expect(refuse('cut.onnx', lama.slice(0, Math.floor(lama.length * 0.6)))).rejects.toMatchObject({ code: 'TRUNCATED', message: expect.stringMatching(/cut.onnx: the ONNX file is cut off/) });
    await expect(refuse('again.onnx', miganLikeModel(RED), 'migan-512')).rejects.toMatchObject({ code: 'MODEL_DUPLICATE', message: 'again.onnx is already in the library as migan v1 (#2)' });
    expect((await svc.listModels({})).length).toBe(rows);
    expect(await modelFiles()).toEqual(files);
    // the schema bounds the API's input
    expect(apiInputs.importModel.safeParse({ fileName: '../x.onnx', bytes: new Uint8Array(1), kind: 'inpainter', preset: 'auto' }).success).toBe(false);
    expect(apiInputs.importModel.safeParse({ fileName: 'x.onnx', bytes: new Uint8Array(1), kind: 'generator', preset: 'auto' }).success).toBe(false);
    await svc.close();
  });

  it('imports by path: hostile and non-regular paths are refused; the model runs with inpaintFile', async () => {
    const library = Library.open(lib());
    try {
      const byPath = (path: string, preset: 'lama-512' | 'custom' = 'lama-512', custom = {}) => importInpainter(library, { source: { path }, preset, custom });
      await expect(byPath(join(dir, 'nope.onnx'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('nope.onnx: file not found') });
      await mkdir(join(dir, 'folder.onnx'));
      await expect(byPath(join(dir, 'folder.onnx'))).rejects.toMatchObject({ code: 'NOT_A_MODEL_FILE', message: expect.stringContaining('is a directory, not an ONNX model file') });
      await expect(byPath(`${dir}/x\0.onnx`)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      try {
        execFileSync('mkfifo', [join(dir, 'pipe.onnx')]);
        await expect(byPath(join(dir, 'pipe.onnx'))).rejects.toMatchObject({ code: 'NOT_A_MODEL_FILE', message: expect.stringContaining('not a regular file (a named pipe)') });
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e; // no mkfifo here
      }
      const fd = openSync(join(dir, 'huge.onnx'), 'w');
      ftruncateSync(fd, 3 * 2 ** 30); // sparse: no disk used
      closeSync(fd);
      await expect(byPath(join(dir, 'huge.onnx'))).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('limit for ONNX models') });
      const row = await byPath(join(dir, 'custom.onnx'), 'custom', { channels: 'bgr', imageRange: '-1-1', maskPolarity: 'hole-low', outputRange: '-1-1' });
      expect(row.metrics).toMatchObject({ lineage: 'imported', originalFileName: 'custom.onnx', preset: 'custom' });
    } finally {
      library.close();
    }
    const r = await inpaintFile({
      libraryDir: lib(), photoPath: join(dir, 'photo.png'), maskPath: join(dir, 'mask.png'), outputPath: join(dir, 'out.png'),
      engine: 'onnx', modelName: 'custom', blend: 'normal', dilate: 0, runner: { size: 1, workerPath },
    });
    expect(r).toMatchObject({ engine: 'onnx', model: { name: 'custom', version: 1 }, onnx: { crops: 1 } });
    // a model of the wrong kind for the engine, and a missing model, fail before any work
    await expect(inpaintFile({ libraryDir: lib(), photoPath: join(dir, 'photo.png'), maskPath: join(dir, 'mask.png'), outputPath: join(dir, 'out2.png'), engine: 'onnx', blend: 'off', dilate: 0, runner: { size: 1, workerPath } }))
      .rejects.toMatchObject({ code: 'MODEL_REQUIRED', message: expect.stringMatching(/available: custom, migan/) });
    await expect(inpaintFile({ libraryDir: lib(), photoPath: join(dir, 'photo.png'), maskPath: join(dir, 'mask.png'), outputPath: join(dir, 'out2.png'), engine: 'gan-zopt', modelName: 'custom', blend: 'off', dilate: 0, runner: { size: 1, workerPath } }))
      .rejects.toMatchObject({ code: 'MODEL_KIND', message: expect.stringMatching(/use it with engine 'onnx'/) });
  });

  it('refuses to delete a model a running batch fills wide damage with, and deletes it once the batch stopped', async () => {
    const svc = await createRenovoService({ libraryDir: join(dir, 'lib-batch'), host: 'web', runner: { size: 1, workerPath } });
    const lama = await svc.importModel({ fileName: 'tear-lama.onnx', bytes: lamaLikeModel([1, 2, 3]), kind: 'inpainter', preset: 'lama-512' });
    await makeScanFolder(join(dir, 'scans'), { good: 3 });
    const { jobId } = await svc.startBatch({ inputDir: join(dir, 'scans'), outputDir: join(dir, 'scans-out'), options: { detectTears: true, wideModelId: lama.id, workers: 1 } });
    const finished = new Promise<JobEvent>((resolve) => {
      const off = svc.onJobEvent((e) => {
        if (e.jobId === jobId && (e.type === 'batch-done' || e.type === 'failed' || e.type === 'cancelled')) { off(); resolve(e); }
      });
    });
    await expect(svc.deleteModel({ modelId: lama.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/^tear-lama v1 is filling wide damage in the running batch .*scans → .*scans-out; delete it when that batch has finished/),
    });
    expect((await svc.listModels({})).map((m) => m.name)).toEqual(['tear-lama']);
    await svc.cancelJob({ jobId });
    expect(['batch-done', 'cancelled']).toContain((await finished).type);
    await svc.deleteModel({ modelId: lama.id });
    expect(await svc.listModels({})).toEqual([]);
    await svc.close();
  });
});
