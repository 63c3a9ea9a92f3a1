// The GAN models shipped in models/ (issue 17): every folder registers (each file's sha256 checked),
// and the 128-px landscape model is the resize-convolution architecture with a z-encoder that fits
// its generator and fills a hole warm-started.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthPhoto } from '../../../test/fixtures/synth';
import { ganInpaint } from '../inpaint/gan';
import { Library } from '../library';
import { dcganSpec } from '../nets/dcgan';
import { Runtime } from '../onnx/runtime';
import { loadWeightsFile } from '../train/weights';
import { loadModelEncoder } from '../train/zencoder';
import { defaultShippedModelsDir, registerShippedModels } from './models';

const rt = new Runtime({ provider: 'cpu', threads: 1 });
let dir = '';
afterAll(async () => {
  await rt.release();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('shipped GAN models', () => {
  it('all register, and the 128-px landscape model fills a hole from its own encoder', async () => {
    const models = defaultShippedModelsDir() as string;
    dir = await mkdtemp(join(tmpdir(), 'renovo-shipped-'));
    const lib = Library.open(join(dir, 'lib'));
    try {
      const rows = registerShippedModels(lib, models);
      const byName = new Map(rows.map((r) => [r.name, r]));
      expect(byName.get('monet-dcgan128')?.parentId).toBe(byName.get('landscape-dcgan128')?.id);
      const names = rows.map((r) => r.name).sort();
      expect(names).toEqual(['faces-dcgan128', 'faces-dcgan64', 'landscape-dcgan128', 'landscape-dcgan64', 'monet-dcgan128', 'monet-dcgan64']);
    } finally {
      lib.close();
    }
    const folder = join(models, 'landscape-dcgan128');
    const loaded = await loadWeightsFile(folder);
    const spec = dcganSpec(JSON.parse(loaded.metadata['renovo.spec']));
    expect(spec).toMatchObject({ arch: 'dcgan128-resize', resolution: 128, upsample: 'resize' });
    const encoder = await loadModelEncoder(folder); // sha256 of E and of the G it was trained against
    expect(encoder?.spec.resolution).toBe(128);
    const photo = synthPhoto(192, 160, { seed: 2 });
    const mask = { width: 192, height: 160, data: new Uint8Array(192 * 160) };
    for (let y = 60; y < 100; y++) for (let x = 80; x < 120; x++) mask.data[y * 192 + x] = 255;
    const r = await ganInpaint(photo, mask, { model: { id: 'shipped:landscape-dcgan128', spec, weights: loaded.weights, encoder: encoder! }, warmIterations: 4, runtime: rt });
    expect(r.start).toBe('encoder');
    expect(r.image.width).toBe(192);
    let changed = 0;
    for (let i = 0; i < mask.data.length; i++) if (mask.data[i] && r.image.data[i * 3] !== photo.data[i * 3]) changed++;
    expect(changed).toBeGreaterThan(1000);
  });
});
