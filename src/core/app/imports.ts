// Photos imported from bytes (file picker, drag-and-drop) are kept in the library under
// imports/<ab>/<sha256>/<original file name>: content-addressed by folder, while the file name
// keeps the name the user knows the photo by (PhotoDto.name is the path's last segment), with no
// extra database column.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../image/files';
import type { Library } from '../library';

/** A file name the library accepts: no separators, control characters, ':' or '%'. */
export function safeImportName(name: string, ext: string): string {
  let clean = name.replace(/[\u0000-\u001f\u007f\\/:%]/g, '_').replace(/[. ]+$/, '');
  if (clean.length === 0 || /^\.+$/.test(clean)) clean = `photo.${ext}`;
  return clean.slice(0, 200);
}

export async function storeImport(library: Library, bytes: Uint8Array, sha256: string, name: string, ext: string): Promise<string> {
  const rel = `imports/${sha256.slice(0, 2)}/${sha256}/${safeImportName(name, ext)}`;
  if (library.exists(rel)) return rel;
  const abs = library.resolve(rel);
  await mkdir(dirname(abs), { recursive: true });
  await writeFileAtomic(abs, bytes, { overwrite: true });
  return rel;
}
