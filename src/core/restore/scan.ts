// Input folder walk and output path mapping for batch restoration.
//  * recursive; only image types Renovo can read and write back (JPEG, PNG, TIFF, WebP, AVIF);
//  * system and hidden files are ignored (Thumbs.db, desktop.ini, .DS_Store, AppleDouble "._x.jpg",
//    Synology @eaDir, __MACOSX, $RECYCLE.BIN …); symbolic links are not followed;
//  * the output folder mirrors the input's structure, with an optional name suffix;
//  * input and output must be different folders and neither may contain the other.
import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RestoreError } from './errors';

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.tif', '.tiff', '.webp', '.avif'];

const SYSTEM_FILES = new Set(['thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db', 'desktop.ini', '.ds_store', 'icon\r', '.localized']);
const SYSTEM_DIRS = new Set(['__macosx', '$recycle.bin', 'system volume information', '@eadir', '.trashes', '.spotlight-v100', '.fseventsd', '.thumbnails']);

export interface ScanEntry {
  /** path relative to the input folder, '/'-separated */
  relPath: string;
  absPath: string;
  size: number;
}

export interface ScanResult {
  files: ScanEntry[];
  /** things seen and deliberately not processed, with the reason */
  ignored: Array<{ relPath: string; reason: string }>;
}

export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** System/hidden names that are never photos (or never ours to touch). */
export function isSystemName(name: string, isDir: boolean): boolean {
  const lower = name.toLowerCase();
  if (name.startsWith('.')) return true; // hidden, AppleDouble "._x.jpg", our own temp files
  return isDir ? SYSTEM_DIRS.has(lower) : SYSTEM_FILES.has(lower);
}

/** Walks `inputDir` recursively; entries sorted by relPath for a stable order. */
export async function scanFolder(inputDir: string, opts: { signal?: AbortSignal } = {}): Promise<ScanResult> {
  const root = resolve(inputDir);
  let st;
  try {
    st = await lstat(root);
  } catch (e) {
    throw new RestoreError('NOT_A_FOLDER', `${inputDir}: input folder not found`, { cause: e });
  }
  if (!st.isDirectory()) throw new RestoreError('NOT_A_FOLDER', `${inputDir}: not a folder`);
  const files: ScanEntry[] = [];
  const ignored: ScanResult['ignored'] = [];
  const walk = async (dir: string): Promise<void> => {
    if (opts.signal?.aborted) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      ignored.push({ relPath: toRel(root, dir), reason: `folder cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    for (const ent of entries) {
      const abs = join(dir, ent.name);
      const rel = toRel(root, abs);
      if (ent.isSymbolicLink()) {
        ignored.push({ relPath: rel, reason: 'symbolic link (not followed)' });
        continue;
      }
      if (ent.isDirectory()) {
        if (isSystemName(ent.name, true)) continue;
        await walk(abs);
        continue;
      }
      if (!ent.isFile()) continue;
      if (isSystemName(ent.name, false)) continue;
      if (!isImageName(ent.name)) {
        ignored.push({ relPath: rel, reason: 'not an image type' });
        continue;
      }
      let size = 0;
      try {
        size = (await lstat(abs)).size;
      } catch {
        /* vanished: recorded as an error when processed */
      }
      files.push({ relPath: rel, absPath: abs, size });
    }
  };
  await walk(root);
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { files, ignored };
}

function toRel(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

/** Output path for an input's relPath: same folders, name + suffix, same extension. */
export function outputPathFor(outputDir: string, relPath: string, suffix = ''): string {
  if (/[\\/]/.test(suffix) || suffix.includes('\0')) throw new RestoreError('BAD_OPTIONS', `suffix "${suffix}" must not contain path separators`);
  const parts = relPath.split('/');
  if (parts.some((p) => p === '..' || p === '' || p === '.')) throw new RestoreError('BAD_OPTIONS', `bad relative path "${relPath}"`);
  const name = parts.pop()!;
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  return join(resolve(outputDir), ...parts, `${stem}${suffix}${ext}`);
}

/** Canonical path: symlinks resolved for the longest existing prefix. */
async function canonical(p: string): Promise<string> {
  const abs = resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(await realpath(head), ...tail.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return abs;
      tail.push(basename(head));
      head = parent;
    }
  }
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/**
 * Refuses folder pairs that could make the batch read its own output or write into the input:
 * the same folder, output inside input, or input inside output (after resolving symlinks).
 */
export async function checkFolders(inputDir: string, outputDir: string): Promise<{ inputDir: string; outputDir: string }> {
  const input = await canonical(inputDir);
  const output = await canonical(outputDir);
  if (input === output) throw new RestoreError('BAD_FOLDERS', `input and output are the same folder (${inputDir}); choose a separate output folder`);
  if (inside(output, input)) throw new RestoreError('BAD_FOLDERS', `the output folder ${outputDir} is inside the input folder ${inputDir}; Renovo never writes into the input`);
  if (inside(input, output)) throw new RestoreError('BAD_FOLDERS', `the input folder ${inputDir} is inside the output folder ${outputDir}`);
  return { inputDir: input, outputDir: output };
}
