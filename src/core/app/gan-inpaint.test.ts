// The gan-zopt engine through the app layer: model version looked up in the library, run on a
// worker (bundled here from the current sources), model version and parameters recorded with the
// edit; unknown / missing models fail clearly before any work; the startInpaint schema's bounds.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInputs } from '../../shared/schemas';
import { Library } from '../library';
import { MODEL_FILE_EXT, encodeModelFile } from '../train/modelfile';
import { sha256Hex } from '../library';
import { smallGanModel } from '../../../test/fixtures/gan-model';
import { inpaintFile } from './inpaint-file';
import { createRenovoService } from './service';
import type { JobEvent } from '../../shared/api';
import { readFile } from 'node:fs/promises';

let dir: string;
let workerPath: string;
let modelId: number;
const W = 48, H = 40;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-gan-'));
  process.env.RENOVO_MODELS_DIR = join(dir, 'no-shipped-models');
  // inside the checkout (test-output/ is git-ignored) so the bundle resolves onnxruntime-node, sharp …
  workerPath = join(process.cwd(), 'test-output', `gan-worker-${process.pid}.cjs`);
  await build({ bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', entryPoints: ['src/core/app/workers/job-worker.ts'], outfile: workerPath });
  const lib = Library.open(join(dir, 'lib'));
  const m = smallGanModel(5);
  const bytes = encodeModelFile(m.spec, m.weights);
  const row = lib.store.models.add({
    name: 'tiny', version: 1, architecture: m.spec.arch, file: lib.putBytes('models', bytes, MODEL_FILE_EXT), sha256: sha256Hex(bytes),
    parentId: null, source: 'trained', metrics: {},
  });
  modelId = row.id;
  lib.close();
  const px = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) { px[i * 3] = (i % W) * 5; px[i * 3 + 1] = 100; px[i * 3 + 2] = Math.floor(i / W) * 6; }
  await sharp(px, { raw: { width: W, height: H, channels: 3 } }).png().toFile(join(dir, 'photo.png'));
  const mk = Buffer.alloc(W * H);
  for (let y = 16; y < 24; y++) for (let x = 20; x < 28; x++) mk[y * W + x] = 255;
  await writeFile(join(dir, 'mask.png'), await sharp(mk, { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
}, 60_000);

afterAll(async () => {
  delete process.env.RENOVO_MODELS_DIR;
  await rm(dir, { recursive: true, force: true });
  await rm(workerPath, { force: true });
});

const base = () => ({ libraryDir: join(dir, 'lib'), photoPath: join(dir, 'photo.png'), maskPath: join(dir, 'mask.png'), blend: 'normal' as const, dilate: 0, runner: { size: 1, workerPath } });

describe('gan-zopt through the app layer', () => {
  it('runs on a worker and records the model version and every parameter with the edit', async () => {
    const messages: string[] = [];
    const r = await inpaintFile({
      ...base(), outputPath: join(dir, 'out.png'), engine: 'gan-zopt', modelName: 'tiny', seed: 3,
      gan: { iterations: 4, restarts: 2, lambda: 0.01 }, onProgress: (_f, m) => messages.push(m),
    });
    expect(r.engine).toBe('gan-zopt');
    expect(r.model).toEqual({ id: modelId, name: 'tiny', version: 1 });
    expect(messages.some((m) => /iteration \d+\/4, best loss/.test(m))).toBe(true);
    const lib = Library.open(join(dir, 'lib'));
    try {
      const edit = lib.store.edits.get(r.editId)!;
      expect(edit.engine).toBe('gan-zopt');
      expect(edit.modelVersionId).toBe(modelId);
      expect(edit.params).toMatchObject({
        engineRequested: 'gan-zopt', seed: 3, model: { id: modelId, name: 'tiny', version: 1 },
        gan: { lambda: 0.01, iterations: 4, restarts: 2, learningRate: 0.03, gradTol: 1e-4, loss: 'weighted-l1', zClip: 3, refine: 'off' },
        provider: 'cpu',
      });
    } finally {
      lib.close();
    }
  });

  it('fails clearly on a missing or unknown model, and refuses a model for other engines', async () => {
    await expect(inpaintFile({ ...base(), outputPath: join(dir, 'o1.png'), engine: 'gan-zopt' })).rejects.toMatchObject({ code: 'MODEL_REQUIRED' });
    await expect(inpaintFile({ ...base(), outputPath: join(dir, 'o2.png'), engine: 'gan-zopt', modelName: 'nope' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('available: tiny') });
    await expect(inpaintFile({ ...base(), outputPath: join(dir, 'o3.png'), engine: 'gan-zopt', modelId: 999 })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(inpaintFile({ ...base(), outputPath: join(dir, 'o4.png'), engine: 'patchmatch', modelName: 'tiny' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('gan-zopt through the service API', () => {
  it('startInpaint runs with a model id, reports progress and records the model; an unknown model fails before a job id', async () => {
    let photoId = 0;
    const service = await createRenovoService({ libraryDir: join(dir, 'lib'), host: 'desktop', runner: { size: 1, workerPath }, shippedModelsDir: null });
    try {
      const photo = await service.importPhoto({ name: 'photo.png', bytes: new Uint8Array(await readFile(join(dir, 'photo.png'))) });
      photoId = photo.id;
      const mask = new Uint8Array(await readFile(join(dir, 'mask.png')));
      const common = { photoId: photo.id, parentEditId: null, mask, engine: 'gan-zopt' as const, blend: 'normal' as const, dilate: 0 };
      await expect(service.startInpaint({ ...common, modelId: 4242 })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
      await expect(service.startInpaint(common)).rejects.toMatchObject({ code: 'MODEL_REQUIRED' });
      const events: JobEvent[] = [];
      const finished = new Promise<JobEvent>((resolve) => service.onJobEvent((e) => { events.push(e); if (e.type !== 'progress') resolve(e); }));
      await service.startInpaint({ ...common, modelId, seed: 9, gan: { iterations: 30, restarts: 3, lambda: 0, learningRate: 0.05 } });
      const end = await finished;
      expect(end.type).toBe('done');
      expect(events.some((e) => e.type === 'progress' && /iteration \d+\/30/.test(e.message))).toBe(true);
      const edits = await service.listEdits({ photoId: photo.id });
      expect(edits.at(-1)?.engine).toBe('gan-zopt');
    } finally {
      await service.close();
    }
    const lib = Library.open(join(dir, 'lib'));
    try {
      const edit = lib.store.edits.listForPhoto(photoId).filter((e) => e.engine === 'gan-zopt').at(-1)!;
      expect(edit.modelVersionId).toBe(modelId);
      expect(edit.params).toMatchObject({ seed: 9, gan: { iterations: 30, restarts: 3, lambda: 0, learningRate: 0.05 } });
    } finally {
      lib.close();
    }
  });
});

describe('startInpaint schema', () => {
  const ok = { photoId: 1, parentEditId: null, mask: new Uint8Array(1), engine: 'gan-zopt', blend: 'normal', dilate: 0 };
  it('accepts a model and GAN parameters within bounds, strictly', () => {
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { lambda: 0.003, iterations: 1500, restarts: 16, learningRate: 0.03 } }).success).toBe(true);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { restarts: 0 } }).success).toBe(false);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { refine: 'patchmatch' } }).success).toBe(true);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { refine: 'telea' } }).success).toBe(false);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { start: 'cold' } }).success).toBe(true);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { start: 'warm' } }).success).toBe(false);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { iterations: 1e6 } }).success).toBe(false);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { lambda: -1 } }).success).toBe(false);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 2, gan: { seed: 1 } }).success).toBe(false);
    expect(apiInputs.startInpaint.safeParse({ ...ok, modelId: 'x' }).success).toBe(false);
  });
});
