// Where a photo's or an edit's bytes live, and small naming helpers.
import { basename, extname, isAbsolute } from 'node:path';
import type { Library } from '../library';
import { readImageFile } from '../image/io';
import type { PhotoRow } from '../store';

/**
 * Photos registered by the CLI are references to the user's original (absolute path, never
 * copied or modified); photos imported from bytes live in the library (library-relative path).
 */
export function photoFilePath(library: Library, photo: PhotoRow): string {
  return isAbsolute(photo.path) ? photo.path : library.resolve(photo.path);
}

export async function readPhotoBytes(library: Library, photo: PhotoRow): Promise<Uint8Array> {
  return readImageFile(photoFilePath(library, photo));
}

/** Display name of a photo: the file name of the original. */
export function photoName(photo: PhotoRow): string {
  return basename(photo.path.replace(/\\/g, '/'));
}

/** `holiday.jpg` → `holiday`. */
export function stem(name: string): string {
  const b = basename(name);
  const ext = extname(b);
  return ext && ext !== b ? b.slice(0, -ext.length) : b;
}

/** File extension used when writing a format. */
export function extensionFor(format: string): string {
  switch (format) {
    case 'jpeg':
      return 'jpg';
    case 'tiff':
      return 'tif';
    default:
      return format;
  }
}

export function mimeFor(format: string): string {
  return `image/${format}`;
}

/** Content hash encoded in a content-addressed library file name (…/<sha256>.<ext>), if any. */
export function shaFromLibraryFile(rel: string): string | undefined {
  const m = /([0-9a-f]{64})\.[a-z0-9]+$/.exec(rel);
  return m?.[1];
}
