import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIBRARY_AREAS, Library, LibraryError, defaultLibraryDir, sha256Hex } from './index';

let tmp: string;
let lib: Library;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'renovo-lib-'));
  lib = Library.open(path.join(tmp, 'lib'));
});
afterEach(() => {
  lib.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LibraryError) return e.code;
    throw e;
  }
  return undefined;
}

const tmpFiles = (dir: string): string[] =>
  (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp'));

describe('Library.open', () => {
  it('creates the area folders and the database', () => {
    for (const area of LIBRARY_AREAS) expect(fs.statSync(path.join(lib.root, area)).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(lib.root, 'renovo.db'))).toBe(true);
    expect(lib.store.photos.list()).toEqual([]);
    lib.close();
    lib = Library.open(path.join(tmp, 'lib')); // reopen
    expect(lib.root).toBe(fs.realpathSync(path.join(tmp, 'lib')));
  });
});

describe('putBytes', () => {
  it('stores by content hash and dedupes', () => {
    const bytes = new TextEncoder().encode('hello pixels');
    const hash = sha256Hex(bytes);
    const rel = lib.putBytes('outputs', bytes, '.PNG');
    expect(rel).toBe(`outputs/${hash.slice(0, 2)}/${hash}.png`);
    expect(lib.putBytes('outputs', bytes, 'png')).toBe(rel);
    expect(fs.readdirSync(path.join(lib.root, 'outputs', hash.slice(0, 2)))).toEqual([`${hash}.png`]);
    expect(lib.readBytes(rel).equals(Buffer.from(bytes))).toBe(true);
    expect(lib.exists(rel)).toBe(true);
    expect(lib.resolve(rel)).toBe(path.join(lib.root, 'outputs', hash.slice(0, 2), `${hash}.png`));
    expect(tmpFiles(lib.root)).toEqual([]);
  });

  it('known sha256 vector', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('repairs a truncated copy instead of trusting it', () => {
    const bytes = new Uint8Array(1000).fill(7);
    const rel = lib.putBytes('masks', bytes, 'png');
    fs.truncateSync(lib.resolve(rel), 10);
    expect(lib.putBytes('masks', bytes, 'png')).toBe(rel);
    expect(lib.readBytes(rel).length).toBe(1000);
  });

  it('is atomic: the final name only ever holds complete content, failures leave nothing behind', () => {
    const bytes = new Uint8Array(4096).fill(1);
    const hash = sha256Hex(bytes);
    const target = path.join(lib.root, 'previews', hash.slice(0, 2), `${hash}.jpg`);
    // Make the final rename fail: a non-empty directory squats on the target name.
    fs.mkdirSync(path.join(target, 'squatter'), { recursive: true });
    expect(() => lib.putBytes('previews', bytes, 'jpg')).toThrow();
    expect(tmpFiles(lib.root)).toEqual([]);
    expect(fs.statSync(target).isDirectory()).toBe(true);
    fs.rmSync(target, { recursive: true });

    // Written through a temporary file + rename: a reader holding the old inode never sees a
    // partially rewritten file.
    const rel = lib.putBytes('previews', bytes, 'jpg');
    fs.truncateSync(target, 100);
    const oldInode = fs.statSync(target).ino;
    lib.putBytes('previews', bytes, 'jpg');
    expect(fs.statSync(target).ino).not.toBe(oldInode);
    expect(lib.readBytes(rel).length).toBe(4096);
  });

  it('rejects unknown areas and bad extensions', () => {
    const b = new Uint8Array([1]);
    expect(codeOf(() => lib.putBytes('secrets' as 'outputs', b, 'png'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => lib.putBytes('outputs', b, '../png'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => lib.putBytes('outputs', b, ''))).toBe('INVALID_ARGUMENT');
  });
});

describe('resolve', () => {
  const bad = [
    '../x',
    '..',
    '/etc/passwd',
    'outputs/../../x',
    'outputs/../renovo.db',
    'outputs/./x',
    'outputs//x',
    'outputs/x/',
    'outputs\\..\\..\\x',
    '..\\x',
    'outputs/%2e%2e/%2e%2e/x',
    '%2e%2e/x',
    'outputs/x\u0000.png',
    'outputs/...',
    'outputs/x.',
    'C:/Windows/win.ini',
    'C:\\Windows',
    'outputs/c:x',
    'renovo.db',
    'secrets/x',
    'outputs',
    '',
  ];
  it.each(bad)('refuses %j', (rel) => {
    expect(codeOf(() => lib.resolve(rel))).toBe('OUTSIDE_LIBRARY');
    expect(codeOf(() => lib.readBytes(rel))).toBe('OUTSIDE_LIBRARY');
    expect(codeOf(() => lib.remove(rel))).toBe('OUTSIDE_LIBRARY');
  });

  it('accepts ordinary names, including ones not yet on disk', () => {
    expect(lib.resolve('exports/My photo (restored).jpg')).toBe(path.join(lib.root, 'exports', 'My photo (restored).jpg'));
    expect(lib.resolve('outputs/zz/new/deeper.png')).toBe(path.join(lib.root, 'outputs', 'zz', 'new', 'deeper.png'));
  });

  it('refuses symlinks that escape the library, dangling ones included', () => {
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    fs.symlinkSync(outside, path.join(lib.root, 'outputs', 'escape'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(lib.root, 'masks', 'secret.png'));
    fs.symlinkSync(path.join(outside, 'not-yet'), path.join(lib.root, 'thumbs', 'dangling.png'));
    expect(codeOf(() => lib.resolve('outputs/escape/secret.txt'))).toBe('OUTSIDE_LIBRARY');
    expect(codeOf(() => lib.resolve('outputs/escape/new.png'))).toBe('OUTSIDE_LIBRARY');
    expect(codeOf(() => lib.readBytes('masks/secret.png'))).toBe('OUTSIDE_LIBRARY');
    expect(codeOf(() => lib.resolve('thumbs/dangling.png'))).toBe('OUTSIDE_LIBRARY');
    expect(codeOf(() => lib.remove('masks/secret.png'))).toBe('OUTSIDE_LIBRARY');
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');

    // An area folder replaced by a link to the outside is refused too, also for putBytes.
    fs.rmSync(path.join(lib.root, 'previews'), { recursive: true });
    fs.symlinkSync(outside, path.join(lib.root, 'previews'));
    expect(codeOf(() => lib.putBytes('previews', new Uint8Array([1, 2]), 'png'))).toBe('OUTSIDE_LIBRARY');
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']); // nothing was written outside

    // A link that stays inside the library is fine.
    const rel = lib.putBytes('outputs', new Uint8Array([9]), 'png');
    fs.symlinkSync(lib.resolve(rel), path.join(lib.root, 'exports', 'link.png'));
    expect(lib.readBytes('exports/link.png')).toEqual(Buffer.from([9]));
  });
});

describe('readBytes / exists / remove', () => {
  it('reports missing files and removes idempotently', () => {
    expect(lib.exists('outputs/ab/missing.png')).toBe(false);
    expect(codeOf(() => lib.readBytes('outputs/ab/missing.png'))).toBe('NOT_FOUND');
    expect(() => lib.remove('outputs/ab/missing.png')).not.toThrow();
    const rel = lib.putBytes('thumbs', new Uint8Array([1, 2, 3]), 'webp');
    lib.remove(rel);
    expect(lib.exists(rel)).toBe(false);
    lib.remove(rel);
  });
});

describe('defaultLibraryDir', () => {
  it('honours RENOVO_LIBRARY, then the platform convention', () => {
    expect(defaultLibraryDir({ RENOVO_LIBRARY: '/data/lib' }, 'linux', '/home/u')).toBe('/data/lib');
    expect(defaultLibraryDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/renovo');
    expect(defaultLibraryDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/renovo');
    expect(defaultLibraryDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/u')).toBe('/home/u/.local/share/renovo');
    expect(defaultLibraryDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Renovo');
    expect(defaultLibraryDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Renovo',
    );
    expect(typeof defaultLibraryDir()).toBe('string');
  });
});
