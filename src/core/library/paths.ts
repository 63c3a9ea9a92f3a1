// Where the library lives, and the rules for library-relative paths.
import os from 'node:os';
import path from 'node:path';
import { LibraryError } from './errors';

export const LIBRARY_AREAS = ['imports', 'masks', 'outputs', 'previews', 'thumbs', 'models', 'exports'] as const;
export type LibraryArea = (typeof LIBRARY_AREAS)[number];

export function isLibraryArea(value: string): value is LibraryArea {
  return (LIBRARY_AREAS as readonly string[]).includes(value);
}

/**
 * The library folder: $RENOVO_LIBRARY if set; otherwise the platform's per-user data folder —
 * Linux $XDG_DATA_HOME/renovo (default ~/.local/share/renovo), Windows %APPDATA%\Renovo,
 * macOS ~/Library/Application Support/Renovo. The parameters exist for tests.
 */
export function defaultLibraryDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.RENOVO_LIBRARY) return path.resolve(env.RENOVO_LIBRARY);
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'Renovo');
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Renovo');
  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : undefined;
  return path.join(xdg ?? path.join(home, '.local', 'share'), 'renovo');
}

// Control characters (NUL included), backslashes (a separator on Windows), ':' (drive letters,
// NTFS streams) and '%' (percent-encoded tricks; library names never contain it).
const FORBIDDEN = /[\u0000-\u001f\u007f\\:%]/;

/**
 * Splits a library-relative POSIX path ('outputs/ab/abcd….png') into segments, or throws
 * LibraryError('OUTSIDE_LIBRARY'). Purely lexical; the symlink check lives in Library.resolve.
 */
export function parseRelPath(rel: string): [LibraryArea, ...string[]] {
  const refuse = (why: string): never => {
    throw new LibraryError('OUTSIDE_LIBRARY', `refusing library path ${JSON.stringify(rel)}: ${why}`);
  };
  if (typeof rel !== 'string' || rel.length === 0) refuse('empty');
  if (FORBIDDEN.test(rel)) refuse('forbidden character');
  if (rel.startsWith('/')) refuse('absolute path');
  const segments = rel.split('/');
  for (const s of segments) {
    if (s === '') refuse('empty segment');
    // '.', '..', '...' and names Windows would silently trim ('x.', 'x ') are never ours.
    if (/^\.+$/.test(s) || s.endsWith('.') || s.endsWith(' ')) refuse(`bad segment ${JSON.stringify(s)}`);
  }
  const [area, ...rest] = segments;
  if (!isLibraryArea(area!)) refuse(`unknown area ${JSON.stringify(area)}`);
  if (rest.length === 0) refuse('names an area, not a file');
  return [area as LibraryArea, ...rest];
}
