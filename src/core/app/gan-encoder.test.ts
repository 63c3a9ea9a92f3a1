// The z-encoder through the app layer (issue 17): a shipped model version whose folder holds an
// encoder trained against its G starts the z-search from it (recorded with the edit); a version
// without one cold-starts and the edit records the notice.
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library, sha256Hex } from '../library';
import { MODEL_FILE_EXT, decodeModelFile, encodeModelFile } from '../train/modelfile';
import { ZencTrainer, makeZencBatch, saveZencCheckpoint, shipEncoder } from '../train/zencoder';
import { generatorDigest, zencoderSpec } from '../nets/zencoder';
import { Runtime } from '../onnx/runtime';
import { Rng } from '../random';
import { NO_ENCODER_NOTICE } from '../inpaint/gan';
import { smallGanModel } from '../../../test/fixtures/gan-model';
import { maskPng, photoPng } from '../../../test/fixtures/images';
import { inpaintFile } from './inpaint-file';
import { deleteModelVersion, encoderStatus, exportModelVersion } from './models';
import { encoderOutcome, runTraining } from './train-model';
import { createRenovoService } from './service';
import type { JobEvent } from '../../shared/api';

let dir: string;
let workerPath: string;
const W = 48, H = 40;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-ganenc-'));
  process.env.RENOVO_MODELS_DIR = join(dir, 'no-shipped-models');
  workerPath = join(process.cwd(), 'test-output', `ganenc-worker-${process.pid}.cjs`);
  await build({ bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', entryPoints: ['src/core/app/workers/job-worker.ts'], outfile: workerPath });
  // a "shipped" folder: fp16 G and D, and an encoder trained (a few steps) against that very G
  const m = smallGanModel(5);
  const shipped = join(dir, 'shipped');
  await mkdir(shipped, { recursive: true });
  const gBytes = encodeModelFile(m.spec, m.weights, { dtype: 'F16', prefix: 'G.' });
  await writeFile(join(shipped, 'G.safetensors'), gBytes);
  await writeFile(join(shipped, 'D.safetensors'), encodeModelFile(m.spec, m.weights, { dtype: 'F16', prefix: 'D.' }));
  await writeFile(join(shipped, 'manifest.json'), JSON.stringify({ format: 'test', name: 'tiny-shipped', files: {} }));
  const g16 = decodeModelFile(gBytes).weights;
  const hyper = { batch: 4, synthetic: 4, lr: 2e-3, alpha: 0.1, seed: 1 };
  const eSpec = zencoderSpec({ nc: 3, nz: m.spec.nz, resolution: m.spec.resolution, widths: [8, 16] });
  const t = new ZencTrainer(m.spec, g16, eSpec, hyper);
  const rng = new Rng(2);
  const rt = new Runtime({ provider: 'cpu', threads: 1, spin: false });
  for (let i = 0; i < 3; i++) await t.step(rt, makeZencBatch(rng, m.spec, hyper, null, []));
  const run = join(dir, 'run');
  await saveZencCheckpoint(run, { format: 'renovo-zencoder-checkpoint/1', step: 3, adamT: 3, rng: rng.state, spec: eSpec, gSpec: m.spec, hyper, generatorDigest: generatorDigest(g16), elapsedMs: 0, losses: [], meta: {} }, t);
  await shipEncoder({ modelDir: shipped, checkpoint: run });
  // the library holds G and D in one file (as registerShippedModels writes it), fp16
  const lib = Library.open(join(dir, 'lib'));
  const both = encodeModelFile(m.spec, new Map([...g16, ...decodeModelFile(encodeModelFile(m.spec, m.weights, { dtype: 'F16', prefix: 'D.' })).weights]), { dtype: 'F16' });
  // the same folder with its encoder file damaged (one byte flipped)
  const damaged = join(dir, 'damaged');
  await cp(shipped, damaged, { recursive: true });
  const eBytes = await readFile(join(damaged, 'E.safetensors'));
  eBytes[eBytes.length - 1] ^= 0xff;
  await writeFile(join(damaged, 'E.safetensors'), eBytes);
  for (const [name, metrics] of [['with-encoder', { shippedDir: shipped }], ['without-encoder', {}], ['damaged-encoder', { shippedDir: damaged }]] as const) {
    lib.store.models.add({ name, version: 1, architecture: m.spec.arch, file: lib.putBytes('models', both, MODEL_FILE_EXT), sha256: sha256Hex(both), parentId: null, source: 'shipped', metrics });
  }
  // an older shipped version of the same folder: another G, so the folder's encoder does not fit it
  const older = encodeModelFile(m.spec, smallGanModel(6).weights, { dtype: 'F16' });
  lib.store.models.add({ name: 'older-version', version: 1, architecture: m.spec.arch, file: lib.putBytes('models', older, MODEL_FILE_EXT), sha256: sha256Hex(older), parentId: null, source: 'shipped', metrics: { shippedDir: shipped } });
  lib.close();
  await writeFile(join(dir, 'photo.png'), await photoPng(W, H));
  await writeFile(join(dir, 'mask.png'), await maskPng(W, H, { kind: 'rect', x: 20, y: 16, width: 8, height: 8 }));
}, 60_000);

afterAll(async () => {
  delete process.env.RENOVO_MODELS_DIR;
  await rm(dir, { recursive: true, force: true });
  await rm(workerPath, { force: true });
});

describe('z-encoder through the app layer', () => {
  it('a damaged encoder file does not block the fill: it cold-starts and the record says why', async () => {
    const base = { libraryDir: join(dir, 'lib'), photoPath: join(dir, 'photo.png'), maskPath: join(dir, 'mask.png'), blend: 'normal' as const, dilate: 0, runner: { size: 1, workerPath }, engine: 'gan-zopt' as const, seed: 3 };
    const r = await inpaintFile({ ...base, outputPath: join(dir, 'damaged.png'), modelName: 'damaged-encoder', gan: { iterations: 5, restarts: 2 } });
    const lib = Library.open(join(dir, 'lib'));
    try {
      const p = lib.store.edits.get(r.editId)!.params as { ganHoles: { start: string; notice?: string }[] };
      expect(p.ganHoles[0].start).toBe('cold');
      expect(p.ganHoles[0].notice).toMatch(/^the z-encoder was not used \(.*E\.safetensors \(sha256 [0-9a-f]{64}\) does not match the sha256 in its manifest/);
    } finally {
      lib.close();
    }
  }, 60_000);

  it('a shipped version with an encoder starts from it; one without cold-starts and records the notice', async () => {
    const base = { libraryDir: join(dir, 'lib'), photoPath: join(dir, 'photo.png'), maskPath: join(dir, 'mask.png'), blend: 'normal' as const, dilate: 0, runner: { size: 1, workerPath }, engine: 'gan-zopt' as const, seed: 3 };
    const warm = await inpaintFile({ ...base, outputPath: join(dir, 'warm.png'), modelName: 'with-encoder' });
    const cold = await inpaintFile({ ...base, outputPath: join(dir, 'cold.png'), modelName: 'without-encoder', gan: { iterations: 5, restarts: 2 } });
    const lib = Library.open(join(dir, 'lib'));
    try {
      const w = lib.store.edits.get(warm.editId)!.params as { ganHoles: { start: string; iterations: number; notice?: string }[]; gan: Record<string, unknown> };
      expect(w.ganHoles[0].start).toBe('encoder');
      expect(w.ganHoles[0].iterations).toBeLessThanOrEqual(100);
      expect(w.ganHoles[0].notice).toBeUndefined();
      expect(w.gan).toMatchObject({ start: 'auto', warmRestarts: 4, warmIterations: 100 });
      const c = lib.store.edits.get(cold.editId)!.params as { ganHoles: { start: string; notice?: string }[] };
      expect(c.ganHoles[0]).toMatchObject({ start: 'cold', notice: NO_ENCODER_NOTICE });
    } finally {
      lib.close();
    }
    // the user can ask for the full random-latent search on a model that has an encoder
    const forced = await inpaintFile({ ...base, outputPath: join(dir, 'forced.png'), modelName: 'with-encoder', gan: { start: 'cold', iterations: 5, restarts: 2 } });
    const lib2 = Library.open(join(dir, 'lib'));
    try {
      const f = lib2.store.edits.get(forced.editId)!.params as { ganHoles: { start: string; iterations: number; notice?: string }[] };
      expect(f.ganHoles[0].start).toBe('cold');
      expect(f.ganHoles[0].notice).toBeUndefined();
    } finally {
      lib2.close();
    }
  }, 60_000);

  it('through the service, a warm fill sends its instant preview (G(E(x)) in the hole\'s window) before done; a cold one sends none', async () => {
    const service = await createRenovoService({ libraryDir: join(dir, 'lib'), host: 'desktop', runner: { size: 1, workerPath }, shippedModelsDir: null });
    try {
      const photo = await service.importPhoto({ name: 'photo.png', bytes: new Uint8Array(await readFile(join(dir, 'photo.png'))) });
      const models = await service.listModels({});
      const idOf = (name: string): number => models.find((m) => m.name === name)!.id;
      // the editor tells a model with a z-encoder from one without (its search settings differ)
      expect(Object.fromEntries(models.map((m) => [m.name, m.encoder]))).toMatchObject({ 'with-encoder': true, 'without-encoder': false, 'damaged-encoder': false, 'older-version': false });
      const run = async (name: string): Promise<JobEvent[]> => {
        const events: JobEvent[] = [];
        let jobId = '';
        const ended = new Promise<void>((resolve) => service.onJobEvent((e) => { events.push(e); if (e.jobId === jobId && e.type === 'done') resolve(); }));
        ({ jobId } = await service.startInpaint({
          photoId: photo.id, parentEditId: null, mask: new Uint8Array(await readFile(join(dir, 'mask.png'))), engine: 'gan-zopt', blend: 'normal', dilate: 0,
          modelId: idOf(name), seed: 3, gan: { iterations: 3, restarts: 2 },
        }));
        await ended;
        await new Promise((r) => setTimeout(r, 50)); // anything late would arrive now
        return events.filter((e) => e.jobId === jobId);
      };
      const warm = await run('with-encoder');
      const previews = warm.filter((e) => e.type === 'fill-preview');
      expect(previews).toHaveLength(1);
      expect(warm.findIndex((e) => e.type === 'fill-preview')).toBeLessThan(warm.findIndex((e) => e.type === 'done'));
      expect(warm.at(-1)?.type).toBe('done');
      const p = previews[0] as Extract<JobEvent, { type: 'fill-preview' }>;
      expect(p).toMatchObject({ hole: 1, holes: 1, image: { mime: 'image/webp' } });
      // the window holds the 8×8 hole at x 20–27, y 16–23
      expect(p.box.x).toBeLessThanOrEqual(20);
      expect(p.box.y).toBeLessThanOrEqual(16);
      expect(p.box.x + p.box.width).toBeGreaterThanOrEqual(28);
      expect(p.box.y + p.box.height).toBeGreaterThanOrEqual(24);
      const meta = await sharp(p.image.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', p.box.width, p.box.height]);
      const cold = await run('without-encoder');
      expect(cold.some((e) => e.type === 'fill-preview')).toBe(false);
      expect(cold.at(-1)?.type).toBe('done');
    } finally {
      await service.close();
    }
  }, 60_000);

  it("a fine-tune adapts the base's encoder: the new version starts from its own, exports it, and deleting the version removes it", async () => {
    const art = join(dir, 'art');
    await mkdir(art, { recursive: true });
    for (let i = 0; i < 6; i++) await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 200, g: 40 * i, b: 90 } } }).png().toFile(join(art, `a${i}.png`));
    const lib = Library.open(join(dir, 'lib'));
    let encFile: string;
    try {
      const base = lib.store.models.list().find((r) => r.name === 'with-encoder')!;
      const res = await runTraining({ library: lib, name: 'tuned', dataDir: art, base, hyper: { batch: 4 }, steps: 2, encoderSteps: 10, runDir: join(dir, 'ft-run'), threads: 1 });
      const model = res.model!;
      const shippedE = await readFile(join(dir, 'shipped', 'E.safetensors'));
      expect(model.metrics.encoder).toMatchObject({ steps: 10, parentSha256: sha256Hex(new Uint8Array(shippedE)) });
      encFile = (model.metrics.encoder as { file: string }).file;
      expect(lib.exists(encFile)).toBe(true);
      expect(encoderOutcome(model, res.encoderSkipped)).toMatchObject({ adapted: true, note: expect.stringMatching(/^z-encoder adapted to it \(10 steps/) });
      // what `renovo models show` says about each version's encoder
      const byName = (n: string) => lib.store.models.list().find((r) => r.name === n)!;
      expect(await encoderStatus(lib, model)).toMatch(/^adapted by its fine-tune \(10 steps, \d+ s, from encoder [0-9a-f]{12}…\), sha256 [0-9a-f]{12}…$/);
      expect(await encoderStatus(lib, byName('with-encoder'))).toMatch(/^shipped \(.*E\.safetensors\)/);
      expect(await encoderStatus(lib, byName('without-encoder'))).toBe('none: GAN fills start from random latents (slow)');
      expect(await encoderStatus(lib, byName('damaged-encoder'))).toMatch(/^unusable \(.*does not match the sha256 in its manifest.*\): GAN fills start from random latents$/);
      // the version without an encoder: its fine-tune has none, and says why
      const plain = await runTraining({ library: lib, name: 'tuned-plain', dataDir: art, base: lib.store.models.list().find((r) => r.name === 'without-encoder')!, hyper: { batch: 4 }, steps: 2, runDir: join(dir, 'ft-plain'), threads: 1 });
      expect(plain.model!.metrics.encoder).toBeUndefined();
      expect(encoderOutcome(plain.model!, plain.encoderSkipped)).toEqual({ adapted: false, note: 'no z-encoder (the base model has no z-encoder): GAN fills with it start from random latents and take a minute or more' });
    } finally {
      lib.close();
    }
    const base = { libraryDir: join(dir, 'lib'), photoPath: join(dir, 'photo.png'), maskPath: join(dir, 'mask.png'), blend: 'normal' as const, dilate: 0, runner: { size: 1, workerPath }, engine: 'gan-zopt' as const, seed: 3 };
    const r = await inpaintFile({ ...base, outputPath: join(dir, 'tuned.png'), modelName: 'tuned' });
    const lib2 = Library.open(join(dir, 'lib'));
    try {
      const p = lib2.store.edits.get(r.editId)!.params as { ganHoles: { start: string; notice?: string }[] };
      expect(p.ganHoles[0]).toMatchObject({ start: 'encoder' });
      expect(p.ganHoles[0].notice).toBeUndefined();
      const row = lib2.store.models.list().find((m) => m.name === 'tuned')!;
      const out = await exportModelVersion(lib2, row, join(dir, 'export-tuned'));
      expect(Object.keys(out.files).sort()).toEqual(['D.safetensors', 'E.safetensors', 'G.safetensors', 'generator.onnx', 'sample.png']);
      expect(out.files['E.safetensors'].sha256).toBe((row.metrics.encoder as { sha256: string }).sha256);
      deleteModelVersion(lib2, row);
      expect(lib2.exists(encFile!)).toBe(false);
    } finally {
      lib2.close();
    }
  }, 120_000);
});
