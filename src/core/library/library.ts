import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openStore, type Store } from '../store/index';
import { LibraryError } from './errors';
import { LIBRARY_AREAS, isLibraryArea, parseRelPath, type LibraryArea } from './paths';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const isErrno = (e: unknown, code: string): boolean =>
  e instanceof Error && (e as NodeJS.ErrnoException).code === code;

/**
 * The library folder: the history database (renovo.db) plus content-addressed files in area
 * subfolders. Originals stay where the user keeps them (the photos table references them) and
 * are never modified.
 */
export class Library {
  private constructor(
    /** Absolute, symlink-free path of the library folder. */
    readonly root: string,
    readonly store: Store,
  ) {}

  /** Creates the folder and its area subfolders if needed and opens <dir>/renovo.db. */
  static open(dir: string): Library {
    if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new LibraryError('INVALID_ARGUMENT', `${dir}: the library must be a folder, and this is a file`);
    }
    fs.mkdirSync(dir, { recursive: true });
    const root = fs.realpathSync(dir);
    for (const area of LIBRARY_AREAS) fs.mkdirSync(path.join(root, area), { recursive: true });
    const store = openStore(path.join(root, 'renovo.db'));
    try {
      store.trainingRuns.markInterrupted(); // runs left 'running' by a process that was killed
    } catch (e) {
      store.close();
      throw e;
    }
    return new Library(root, store);
  }

  /**
   * Stores bytes under their sha256 ('outputs/ab/abcdef….png') and returns that library-relative
   * path. Identical content is stored once. The file appears atomically: written to a temporary
   * file in the same folder, flushed, then renamed into place.
   */
  putBytes(area: LibraryArea, bytes: Uint8Array, ext: string): string {
    if (!isLibraryArea(area)) {
      throw new LibraryError('INVALID_ARGUMENT', `unknown library area ${JSON.stringify(area)}`);
    }
    const cleanExt = ext.replace(/^\./, '').toLowerCase();
    if (!/^[a-z0-9]{1,8}$/.test(cleanExt)) {
      throw new LibraryError('INVALID_ARGUMENT', `bad file extension ${JSON.stringify(ext)}`);
    }
    const hash = sha256Hex(bytes);
    const rel = `${area}/${hash.slice(0, 2)}/${hash}.${cleanExt}`;
    const abs = this.resolve(rel);
    const existing = fs.statSync(abs, { throwIfNoEntry: false });
    if (existing?.isFile() && existing.size === bytes.byteLength) return rel;

    fs.mkdirSync(path.dirname(abs), { recursive: true });
    const tmp = path.join(path.dirname(abs), `.${hash}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const fd = fs.openSync(tmp, 'wx');
      try {
        fs.writeFileSync(fd, bytes);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, abs);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    return rel;
  }

  /**
   * The absolute path of a library-relative path. Throws LibraryError('OUTSIDE_LIBRARY') for
   * anything malformed ('..', absolute, NUL, backslash, unknown area…) and for paths that leave
   * the library through a symlink (including a dangling one).
   */
  resolve(rel: string): string {
    const abs = path.join(this.root, ...parseRelPath(rel));
    if (!abs.startsWith(this.root + path.sep)) {
      throw new LibraryError('OUTSIDE_LIBRARY', `refusing library path ${JSON.stringify(rel)}`);
    }
    // Find the deepest part of the path that exists and check where it really points.
    for (let p = abs; p !== this.root; p = path.dirname(p)) {
      if (!fs.lstatSync(p, { throwIfNoEntry: false })) continue;
      let real: string;
      try {
        real = fs.realpathSync(p);
      } catch (e) {
        throw new LibraryError('OUTSIDE_LIBRARY', `refusing library path ${JSON.stringify(rel)}: unresolvable link`, {
          cause: e,
        });
      }
      if (!real.startsWith(this.root + path.sep)) {
        throw new LibraryError('OUTSIDE_LIBRARY', `refusing library path ${JSON.stringify(rel)}: leaves the library via a link`);
      }
      break;
    }
    return abs;
  }

  readBytes(rel: string): Buffer {
    try {
      return fs.readFileSync(this.resolve(rel));
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new LibraryError('NOT_FOUND', `library file ${rel} does not exist`, { cause: e });
      throw e;
    }
  }

  /** Whether a regular file exists at rel (malformed paths still throw). */
  exists(rel: string): boolean {
    return fs.statSync(this.resolve(rel), { throwIfNoEntry: false })?.isFile() ?? false;
  }

  /**
   * Deletes the file; a missing file is a no-op. Checking that no database row still references
   * it is the caller's job.
   */
  remove(rel: string): void {
    fs.rmSync(this.resolve(rel), { force: true });
  }

  close(): void {
    this.store.close();
  }
}
