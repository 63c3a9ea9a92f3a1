import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../core/app';
import { cliTestDir, type CliTestDir, type MainResult } from '../../../test/integration/cli-in-process';

let cli: CliTestDir;
let dir: string;
let lib: string;
let data: string;
const tiny = ['--arch', 'dcgan16', '--ngf', '4', '--ndf', '4', '--batch', '4', '--threads', '1'];

const run = (...args: string[]): Promise<MainResult> => cli.run(...args);

beforeAll(async () => {
  cli = await cliTestDir('renovo-cli-train-');
  dir = cli.dir;
  lib = join(dir, 'lib');
  data = join(dir, 'data');
  await mkdir(join(data, 'nested'), { recursive: true });
  for (let i = 0; i < 10; i++) {
    await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 20 * i, g: 90, b: 200 - 10 * i } } }).jpeg().toFile(join(data, i < 5 ? '' : 'nested', `p${i}.jpg`));
  }
});
afterAll(() => cli?.remove());

describe('renovo train / finetune / models', () => {
  it('trains, fine-tunes with lineage, shows, exports and deletes model versions', async () => {
    const t = await run('train', '--data', data, ...tiny, '--steps', '3', '--name', 'cli-base', '--run-dir', join(dir, 'run1'));
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/cli-base v1 \(#1\): dcgan16, 3 steps/);
    expect(t.err).toMatch(/Training: 100%/);
    const f = await run('finetune', '--base', 'cli-base', '--data', data, '--steps', '2', '--batch', '4', '--threads', '1', '--json');
    expect(f.code, f.err).toBe(0);
    const fj = JSON.parse(f.out) as { model: { name: string; parentId: number }; run: { kind: string; imageCount: number } };
    expect(fj.model).toMatchObject({ name: 'cli-base-data', parentId: 1 });
    expect(fj.run).toMatchObject({ kind: 'finetune', imageCount: 10 });
    const list = await run('models', 'list');
    expect(list.out).toMatch(/#2 {2}cli-base-data v1 {2}dcgan16 {2}trained {2}from #1/);
    const show = await run('models', 'show', 'cli-base-data');
    expect(show.out).toMatch(/lineage {3}cli-base-data v1 \(#2, trained\) <- cli-base v1 \(#1, trained\)/);
    const exp = await run('models', 'export', 'cli-base@1', '--output', join(dir, 'export'));
    expect(exp.code).toBe(0);
    expect((await readdir(join(dir, 'export'))).sort()).toEqual(['D.safetensors', 'G.safetensors', 'generator.onnx', 'manifest.json', 'sample.png']);
    expect((await run('models', 'delete', '#2')).code).toBe(0);
    const l = openLibrary(lib);
    try {
      expect(l.store.models.list().map((m) => m.name)).toEqual(['cli-base']);
      expect(l.store.trainingRuns.list()).toHaveLength(2);
    } finally {
      l.close();
    }
  });

  it('trains a resize-convolution generator (--arch dcgan16-resize), exported with its architecture', async () => {
    const t = await run('train', '--data', data, '--arch', 'dcgan16-resize', ...tiny.slice(2), '--steps', '2', '--name', 'cli-resize', '--run-dir', join(dir, 'run-resize'));
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/cli-resize v1 \(#\d+\): dcgan16-resize, 2 steps/);
    const exp = await run('models', 'export', 'cli-resize', '--output', join(dir, 'export-resize'));
    expect(exp.code, exp.err).toBe(0);
    const l = openLibrary(lib);
    try {
      expect(l.store.models.list().find((m) => m.name === 'cli-resize')?.architecture).toBe('dcgan16-resize');
    } finally {
      l.close();
    }
  });

  it('a folder smaller than --batch trains with a batch of its size, like the Fine-tune tab (issue 15.5)', async () => {
    const r = await run('train', '--data', data, ...tiny.slice(0, 6), '--batch', '64', '--steps', '1', '--threads', '1', '--name', 'cli-small-folder');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/10 images is fewer than the batch size 64: training with --batch 10/);
    expect(r.err.match(/onnxruntime [\d.]+: provider=/g) ?? []).toHaveLength(1);
  });

  it('fails clearly: bad folder (exit 3, nothing recorded), unknown model (2, a usage error), bad options (2)', async () => {
    const before = (await run('models', '--json')).out;
    const bad = await run('train', '--data', join(dir, 'missing'), ...tiny);
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/missing does not exist/);
    const three = join(dir, 'three');
    await mkdir(three);
    for (let i = 0; i < 3; i++) await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 60 * i, g: 40, b: 90 } } }).png().toFile(join(three, `t${i}.png`));
    const few = await run('train', '--data', three, ...tiny);
    expect(few.code).toBe(3);
    expect(few.err).toMatch(/has 3 usable images \(need at least 4/);
    expect((await run('finetune', '--base', 'nope', '--data', data)).code).toBe(2);
    expect((await run('train', '--data', data, '--arch', 'dcgan48')).code).toBe(2);
    expect((await run('train', '--data', data, '--lr-d', 'fast')).code).toBe(2);
    expect((await run('finetune', '--data', data)).code).toBe(2);
    expect((await run('models', 'bogus')).code).toBe(2);
    expect((await run('models', '--json')).out).toBe(before);
  });
});
