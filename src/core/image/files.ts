// Safe output writes. Originals are sacred (DESIGN.md: "never modify an original"), so every
// export goes through here: write a temp file beside the target, fsync, then link/rename into
// place. A crash or error leaves either the old file or nothing, never a half-written image.

import { randomBytes } from 'node:crypto';
import { link, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ImageError, isStorageFault, storageFaultText } from './errors';

/** Canonical form of a path: symlinks resolved where the path (or its parent) exists. */
async function canonical(p: string): Promise<string> {
  const abs = resolve(p);
  try {
    return await realpath(abs);
  } catch {
    try {
      return join(await realpath(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

const caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';
const samePath = (a: string, b: string): boolean => (caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);

/** True when `target` names the same file as any protected path (by canonical path or inode). */
async function isProtected(target: string, targetStat: Stats | null, protect: string[]): Promise<boolean> {
  for (const p of protect) {
    if (samePath(await canonical(p), target)) return true;
    if (targetStat) {
      const ps = await statOrNull(p); // catches hard links and case-folded names
      if (ps && ps.ino === targetStat.ino && ps.dev === targetStat.dev) return true;
    }
  }
  return false;
}

/**
 * Atomically write `bytes` to `path`. Refuses (WRITE_REFUSED) to replace an existing file unless
 * `overwrite`, and always refuses any path in `protect` (compared after resolving symlinks).
 * On any failure nothing new is left behind and an existing target is untouched.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  opts: { overwrite?: boolean; protect?: string[] } = {},
): Promise<void> {
  const target = await canonical(path);
  const existing = await statOrNull(target);
  if (existing?.isDirectory()) throw new ImageError('WRITE_REFUSED', 'is a directory', path);
  if (await isProtected(target, existing, opts.protect ?? [])) {
    throw new ImageError('WRITE_REFUSED', 'refusing to overwrite an original photo', path);
  }
  if (existing && !opts.overwrite) {
    throw new ImageError('WRITE_REFUSED', 'file already exists (choose another name or allow overwrite)', path);
  }

  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let tmpExists = false;
  try {
    const fh = await open(tmp, 'wx');
    tmpExists = true;
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.overwrite) {
      await rename(tmp, target);
    } else {
      // link() fails with EEXIST if someone created the target meanwhile: no race window.
      try {
        await link(tmp, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw e;
        // Filesystems without hard links (FAT, some network shares): best effort check + rename.
        if (await statOrNull(target)) throw Object.assign(new Error('target exists'), { code: 'EEXIST' });
        await rename(tmp, target);
        tmpExists = false;
      }
      if (tmpExists) await unlink(tmp);
    }
    tmpExists = false;
  } catch (e) {
    if (tmpExists) await unlink(tmp).catch(() => undefined);
    if (e instanceof ImageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (isStorageFault(code)) throw new ImageError('IO_FAILED', `cannot write file: ${storageFaultText(code!)} (${code})`, path, { cause: e });
    const why =
      code === 'EEXIST'
        ? 'file already exists (choose another name or allow overwrite)'
        : code === 'ENOENT' || code === 'ENOTDIR'
          ? 'folder does not exist'
          : `cannot write file (${code ?? (e instanceof Error ? e.message : 'error')})`;
    throw new ImageError('WRITE_REFUSED', why, path, { cause: e });
  }
}
