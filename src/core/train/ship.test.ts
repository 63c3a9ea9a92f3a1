import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerShippedModels } from '../app/models';
import { Library } from '../library';
import { Runtime } from '../onnx/runtime';
import { dcganSpec } from '../nets/dcgan';
import { datasetFromPixels } from './data';
import { DEFAULT_HYPER, generateImages } from './gan';
import { trainLoop } from './loop';
import { loadModelVersion } from './session';
import { shipModel, type ShippedManifest } from './ship';

const spec = dcganSpec({ resolution: 16, ngf: 4, ndf: 4, nz: 8 });
const rt = new Runtime({ provider: 'cpu', threads: 1 });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-ship-'));
  const px = new Uint8Array(8 * 16 * 16 * 3).map((_, i) => (i * 37) % 256);
  const ds = datasetFromPixels(px, 8, 16);
  await trainLoop({ runtime: rt, dataset: ds, spec, hyper: { ...DEFAULT_HYPER, batch: 4 }, steps: 2, runDir: join(dir, 'run-base') });
  await trainLoop({ runtime: rt, dataset: ds, spec, hyper: { ...DEFAULT_HYPER, batch: 4, seed: 2 }, steps: 2, runDir: join(dir, 'run-child') });
});
afterAll(async () => {
  await rt.release();
  await rm(dir, { recursive: true, force: true });
});

describe('shipped models', () => {
  it('exports a checkpoint as models/<name>/ with fp16 weights, ONNX generator, sample grid and a manifest of sha256s', async () => {
    const models = join(dir, 'models');
    const { manifest } = await shipModel({ runtime: rt, checkpoint: join(dir, 'run-base'), name: 'tiny-base', modelsDir: models, description: 'noise', dataDescription: 'synthetic', command: 'train tiny' });
    expect(Object.keys(manifest.files).sort()).toEqual(['D.safetensors', 'G.safetensors', 'generator.onnx', 'sample.png']);
    for (const [f, e] of Object.entries(manifest.files)) {
      const b = await readFile(join(models, 'tiny-base', f));
      expect(createHash('sha256').update(b).digest('hex')).toBe(e.sha256);
    }
    expect(manifest).toMatchObject({ architecture: { arch: 'dcgan16', ngf: 4, ndf: 4 }, training: { steps: 2, command: 'train tiny' }, data: { imageCount: 8 } });
    const onDisk = JSON.parse(await readFile(join(models, 'tiny-base', 'manifest.json'), 'utf8')) as ShippedManifest;
    expect(onDisk.files).toEqual(manifest.files);
    expect(await readFile(join(models, 'tiny-base', 'README.md'), 'utf8')).toMatch(/What the samples look like:\*\* noise/);
    // The standalone ONNX generator runs in plain onnxruntime and matches the fp16 weights' output.
    const s = await ort.InferenceSession.create(join(models, 'tiny-base', 'generator.onnx'));
    const z = new Float32Array(8).map((_, i) => Math.sin(i + 1));
    const out = (await s.run({ z: new ort.Tensor('float32', z, [1, 8, 1, 1]) })).image.data as Float32Array;
    await s.release();
    const lib = Library.open(join(dir, 'lib0'));
    try {
      registerShippedModels(lib, models);
      const row = lib.store.models.findByName('tiny-base')!;
      const { weights } = await loadModelVersion(lib, row);
      const ref = await generateImages(rt, spec, weights, z);
      for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - ref[i])).toBeLessThan(1e-4);
    } finally {
      lib.close();
    }
  });

  it('registers shipped models once, as source shipped, with the parent linked', async () => {
    const models = join(dir, 'models');
    await shipModel({ runtime: rt, checkpoint: join(dir, 'run-child'), name: 'tiny-child', modelsDir: models, description: 'noise', dataDescription: 'synthetic', parent: 'tiny-base', onnx: false });
    // shipped without the standalone ONNX file, its README does not promise one
    const readme = await readFile(join(models, 'tiny-child', 'README.md'), 'utf8');
    expect(readme).toContain('No standalone `generator.onnx`');
    expect(readme).not.toContain('`generator.onnx` takes');
    const lib = Library.open(join(dir, 'lib'));
    try {
      const added = registerShippedModels(lib, models);
      expect(added.map((r) => [r.name, r.version, r.source])).toEqual([['tiny-base', 1, 'shipped'], ['tiny-child', 1, 'shipped']]);
      expect(added[1].parentId).toBe(added[0].id);
      expect(lib.exists(added[0].file)).toBe(true);
      expect(added[0].metrics).toMatchObject({ steps: 2, dataset: { imageCount: 8 } });
      expect(registerShippedModels(lib, models)).toEqual([]);
      expect(lib.store.models.list()).toHaveLength(2);
    } finally {
      lib.close();
    }
  });
});
