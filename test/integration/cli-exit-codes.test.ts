// Exit statuses and messages for hostile or mistaken command lines (issue 14.1, 14.11): the README's
// table (0 ok, 1 failure, 2 usage, 3 bad input file) holds for each.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../fixtures/images';
import { ensureBuilt } from './build';
import { runCli, sha256File } from './cli-helpers';

let fx: FixtureDir;
let work: string;
let n = 0;
const lib = (): string => join(work, `lib-${n++}`);

beforeAll(async () => {
  await ensureBuilt();
  fx = await makeFixtureDir();
  work = await mkdtemp(join(tmpdir(), 'renovo-exit-'));
}, 60_000);
afterAll(async () => {
  await fx.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('renovo inpaint exit statuses', () => {
  it.skipIf(process.platform === 'win32')('a FIFO photo or a mask linked to /dev/zero exits 3 at once', async () => {
    const fifo = join(work, 'pipe.jpg');
    execFileSync('mkfifo', [fifo]);
    const zero = join(work, 'zero-mask.png');
    await symlink('/dev/zero', zero);
    const a = await runCli(['inpaint', fifo, '-m', fx.paths.maskRect, '-o', join(work, 'a.png'), '--library', lib()], { timeoutMs: 20_000 });
    expect(a.code, a.stderr).toBe(3);
    expect(a.stderr).toMatch(/pipe\.jpg: is not a regular file \(a named pipe\)/);
    const b = await runCli(['inpaint', fx.paths.photoPng, '-m', zero, '-o', join(work, 'b.png'), '--library', lib()], { timeoutMs: 20_000 });
    expect(b.code, b.stderr).toBe(3);
    expect(b.stderr).toMatch(/zero-mask\.png: is not a regular file \(a device\)/);
  });

  it('a missing output folder is a usage error; -o DIR says it is a folder', async () => {
    const missing = await runCli(['inpaint', fx.paths.photoPng, '-m', fx.paths.maskRect, '-o', join(work, 'no-such-dir', 'o.png'), '--library', lib()]);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/no-such-dir does not exist/);
    const dir = join(work, 'outdir');
    await mkdir(dir);
    const folder = await runCli(['inpaint', fx.paths.photoPng, '-m', fx.paths.maskRect, '-o', dir, '--library', lib()]);
    expect(folder.code, folder.stderr).toBe(2);
    expect(folder.stderr).toMatch(/outdir is a folder; give the output file's name/);
  });

  it('a hard link to the input as output is refused before any work, even with --overwrite', async () => {
    const linked = join(work, 'linked.png');
    await link(fx.paths.photoPng, linked);
    const before = await sha256File(fx.paths.photoPng);
    const library = lib();
    const r = await runCli(['inpaint', fx.paths.photoPng, '-m', fx.paths.maskRect, '-o', linked, '--overwrite', '--library', library]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/refusing to write over the input file/);
    expect(await sha256File(fx.paths.photoPng)).toBe(before);
    expect(existsSync(join(library, 'renovo.db'))).toBe(false); // refused before the library was opened
  });

  it('an unknown --model or --base is a usage error listing the models', async () => {
    const env = { RENOVO_MODELS_DIR: join(work, 'no-models') };
    const r = await runCli(['inpaint', fx.paths.photoPng, '-m', fx.paths.maskRect, '-o', join(work, 'm.png'), '-e', 'gan-zopt', '--model', 'nope', '--library', lib()], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/nope/);
    const f = await runCli(['finetune', '--base', 'nope', '--data', fx.dir, '--library', lib()], { env });
    expect(f.code, f.stderr).toBe(2);
    expect(f.stderr).toMatch(/no model 'nope' in the library/);
  });

  it('--library naming a file says so (exit 2), not EEXIST', async () => {
    const file = join(work, 'not-a-folder');
    await writeFile(file, 'x');
    const r = await runCli(['history', '--library', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not-a-folder is a file, not a folder/);
    expect(r.stderr).not.toMatch(/EEXIST/);
  });
});
