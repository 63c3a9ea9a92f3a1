// renovo models import / inpaint --engine onnx / models show|delete for an imported inpainter
// (issue 18), in-process; the inpaint job runs on the built worker (dist/, as npm test builds it).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPng } from '../../../test/fixtures/images';
import { lamaLikeModel } from '../../../test/fixtures/onnx-inpainters';
import { cliTestDir, type CliTestDir, type MainResult } from '../../../test/integration/cli-in-process';
import { HELP } from '../help';

let cli: CliTestDir;
let dir: string;

const run = (...args: string[]): Promise<MainResult> => cli.run(...args);

beforeAll(async () => {
  cli = await cliTestDir('renovo-cli-import-');
  dir = cli.dir;
  await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 120, b: 200 } } }).png().toFile(join(dir, 'p.png'));
  await writeFile(join(dir, 'm.png'), await maskPng(64, 48, { kind: 'rect', x: 20, y: 15, width: 20, height: 15 }));
  await writeFile(join(dir, 'lama_fp32.onnx'), lamaLikeModel([0, 255, 0]));
  await writeFile(join(dir, 'lama256.onnx'), lamaLikeModel([0, 255, 0], { side: 256 }));
});
afterAll(() => cli?.remove());

describe('renovo models import', () => {
  it('checks its options', async () => {
    let r = await run('models', 'import', join(dir, 'lama_fp32.onnx'));
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/--kind inpainter is required/)]);
    r = await run('models', 'import', join(dir, 'lama_fp32.onnx'), '--kind', 'inpainter', '--channels', 'bgr');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/--channels describes a custom signature; use it with --preset custom/)]);
    r = await run('models', 'list', '--preset', 'lama-512');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/--preset is only used by models import/)]);
    r = await run('inpaint', join(dir, 'p.png'), '-m', join(dir, 'm.png'), '--engine', 'onnx');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/--engine onnx needs --model NAME .*renovo models import FILE.onnx --kind inpainter/)]);
    r = await run('inpaint', join(dir, 'p.png'), '-m', join(dir, 'm.png'), '--engine', 'telea', '--model', 'x');
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/--model is only used with --engine gan-zopt or onnx/)]);
  });

  it('imports, lists, shows, inpaints with and deletes a model; bad files exit 3', async () => {
    let r = await run('models', 'import', join(dir, 'lama256.onnx'), '--kind', 'inpainter', '--preset', 'lama-512');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/lama256.onnx does not match preset lama-512: expected inputs image \[1,3,512,512\] float32.*found inputs image \[1,3,256,256\] float32/);
    r = await run('models', 'import', join(dir, 'lama_fp32.onnx'), '--kind', 'inpainter', '--preset', 'lama-512', '--name', 'big-lama');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/imported big-lama v1 \(#\d+\) from lama_fp32.onnx\n {2}lama-512: 512×512/);
    r = await run('models', 'import', join(dir, 'lama_fp32.onnx'), '--kind', 'inpainter');
    expect([r.code, r.err]).toEqual([3, expect.stringMatching(/lama_fp32.onnx is already in the library as big-lama v1/)]);
    r = await run('models');
    expect(r.out).toMatch(/big-lama v1 {2}onnx-inpainter {2}imported {2}inpainter \(lama-512, from lama_fp32.onnx\)/);
    r = await run('models', 'show', 'big-lama');
    expect(r.out).toMatch(/declares {2}inputs image \[1,3,512,512\] float32, mask \[1,1,512,512\] float32; outputs output \[1,3,512,512\] float32/);
    r = await run('--json', 'inpaint', join(dir, 'p.png'), '-m', join(dir, 'm.png'), '-o', join(dir, 'out.png'), '--engine', 'onnx', '--model', 'big-lama', '--blend', 'off', '--dilate', '0');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ engine: 'onnx', model: { name: 'big-lama', version: 1 }, onnx: { crops: 1 } });
    const { data } = await sharp(join(dir, 'out.png')).raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data.subarray((20 * 64 + 30) * 3, (20 * 64 + 30) * 3 + 3))).toEqual([0, 255, 0]);
    r = await run('models', 'delete', 'big-lama');
    expect([r.code, r.out]).toEqual([0, expect.stringMatching(/deleted big-lama v1/)]);
  });

  it('documents itself', () => {
    for (const s of ['models import FILE.onnx --kind inpainter', '--preset NAME', 'lama-512', 'migan-512', '--mask-polarity']) expect(HELP.models).toContain(s);
    expect(HELP.inpaint).toContain('--engine onnx --model big-lama');
    expect(HELP.restore).toContain('--wide-model MODEL');
  });
});
