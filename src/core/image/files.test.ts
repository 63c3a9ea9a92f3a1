import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageError } from './errors';
import { writeFileAtomic } from './files';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'renovo-files-'));
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const sha = async (p: string): Promise<string> => createHash('sha256').update(await readFile(p)).digest('hex');

async function refused(p: Promise<unknown>): Promise<ImageError> {
  const e = await p.then(
    () => new Error('expected WRITE_REFUSED'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImageError);
  expect((e as ImageError).code).toBe('WRITE_REFUSED');
  return e as ImageError;
}

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temp files', async () => {
    const target = join(dir, 'out.jpg');
    await writeFileAtomic(target, Buffer.from('hello'));
    expect((await readFile(target)).toString()).toBe('hello');
    expect(await readdir(dir)).toEqual(['out.jpg']);
  });

  it('refuses to overwrite an existing file unless asked, then replaces it', async () => {
    const target = join(dir, 'out.jpg');
    await writeFile(target, 'old');
    const e = await refused(writeFileAtomic(target, Buffer.from('new')));
    expect(e.message).toContain('out.jpg');
    expect((await readFile(target)).toString()).toBe('old');
    await writeFileAtomic(target, Buffer.from('new'), { overwrite: true });
    expect((await readFile(target)).toString()).toBe('new');
    expect(await readdir(dir)).toEqual(['out.jpg']);
  });

  it('always refuses protected originals, even with overwrite, via other spellings or symlinks', async () => {
    const original = join(dir, 'original.jpg');
    await writeFile(original, Buffer.from([0xff, 0xd8, 1, 2, 3]));
    const before = await sha(original);
    await refused(writeFileAtomic(original, Buffer.from('x'), { overwrite: true, protect: [original] }));
    await refused(writeFileAtomic(join(dir, 'sub', '..', 'original.jpg'), Buffer.from('x'), { overwrite: true, protect: [original] }));
    const link = join(dir, 'link.jpg');
    await symlink(original, link);
    await refused(writeFileAtomic(link, Buffer.from('x'), { overwrite: true, protect: [original] }));
    // protected given as a relative path
    const rel = join(dir, 'original.jpg').replace(process.cwd() + '/', '');
    await refused(writeFileAtomic(original, Buffer.from('x'), { overwrite: true, protect: [rel] }));
    expect(await sha(original)).toBe(before);
    expect((await readdir(dir)).sort()).toEqual(['link.jpg', 'original.jpg']);
  });

  it('leaves nothing behind when the write fails', async () => {
    await refused(writeFileAtomic(join(dir, 'missing', 'out.jpg'), Buffer.from('x')));
    await mkdir(join(dir, 'a-dir'));
    await refused(writeFileAtomic(join(dir, 'a-dir'), Buffer.from('x'), { overwrite: true }));
    if (process.getuid?.() !== 0) {
      const ro = join(dir, 'ro');
      await mkdir(ro);
      await chmod(ro, 0o555);
      await refused(writeFileAtomic(join(ro, 'out.jpg'), Buffer.from('x')));
      expect(await readdir(ro)).toEqual([]);
    }
    // A failing data source (detached buffer) must not leave a temp or partial file either.
    const bad = { length: 3 } as unknown as Uint8Array;
    await expect(writeFileAtomic(join(dir, 'bad.jpg'), bad)).rejects.toBeInstanceOf(ImageError);
    expect((await readdir(dir)).sort()).toEqual(['a-dir', ...(process.getuid?.() !== 0 ? ['ro'] : [])].sort());
  });
});
