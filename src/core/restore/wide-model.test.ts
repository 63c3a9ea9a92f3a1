// Batch restoration's wide-damage repair with an imported inpainting model (issue 18): tears go to
// the model instead of PatchMatch; a stand-in LaMa that paints holes red shows where it filled.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectOnnx } from '../onnx/inspect';
import { resolveSignature } from '../inpaint/imported';
import { lamaLikeModel } from '../../../test/fixtures/onnx-inpainters';
import { sha256Hex } from '../library';
import { addDamage, synthPhoto } from '../../../test/fixtures/synth';
import { restorePhoto, type WideModelRef } from './pipeline';

let dir: string;
let ref: WideModelRef;
const RED = [255, 0, 0] as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-wide-'));
  const bytes = lamaLikeModel(RED);
  await writeFile(join(dir, 'lama.onnx'), bytes);
  ref = { id: 1, name: 'lama', version: 1, sha256: sha256Hex(bytes), file: join(dir, 'lama.onnx'), signature: resolveSignature(inspectOnnx(bytes, 'lama.onnx'), 'lama.onnx', 'lama-512') };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('wide damage filled by an imported model', () => {
  const photo = synthPhoto(800, 600, { seed: 4 });

  it('fills tears with the model, thin damage still with fast marching', async () => {
    const t = addDamage(photo, { seed: 201, scratches: 1, dust: 3, tear: true });
    const r = await restorePhoto(t.image, { tone: false, detectTears: true, detector: 'classical', blend: 'off', wideModel: ref });
    expect(r.stats.repaired.engines).toEqual(expect.arrayContaining(['onnx']));
    expect(r.stats.repaired.engines).not.toContain('patchmatch');
    let red = 0, tear = 0;
    for (let i = 0; i < t.tears.length; i++) {
      if (!t.tears[i] || !r.mask.data[i]) continue;
      tear++;
      if (r.image.data[i * 3] === 255 && r.image.data[i * 3 + 1] === 0 && r.image.data[i * 3 + 2] === 0) red++;
    }
    expect(tear).toBeGreaterThan(100);
    expect(red / tear).toBeGreaterThan(0.5);
  });

  it('refuses a model file changed since it was imported', async () => {
    const t = addDamage(photo, { seed: 201, scratches: 1, dust: 3, tear: true });
    await expect(restorePhoto(t.image, { tone: false, detectTears: true, detector: 'classical', wideModel: { ...ref, sha256: '0'.repeat(64) } }))
      .rejects.toThrow(/no longer matches the sha256 recorded when it was imported/);
  });
});
