// Library files are content-addressed, so two edits (even of different photos) can share a mask or
// an output file. A file is removed only when no edit and no photo refers to it any more.
import type { Library } from '../library';
import { previewFileFor } from './previews';
import { shaFromLibraryFile } from './files';

function referencedFiles(library: Library): Set<string> {
  const refs = new Set<string>();
  for (const photo of library.store.photos.list()) {
    refs.add(photo.path);
    refs.add(previewFileFor(photo.sha256));
    for (const edit of library.store.edits.listForPhoto(photo.id)) {
      refs.add(edit.outputFile);
      if (edit.maskFile) refs.add(edit.maskFile);
      const sha = shaFromLibraryFile(edit.outputFile);
      if (sha) refs.add(previewFileFor(sha));
    }
  }
  return refs;
}

/** Removes the given library files (and the previews derived from them) that nothing references. */
export async function removeUnreferenced(library: Library, files: Iterable<string>): Promise<string[]> {
  const refs = referencedFiles(library);
  const candidates = new Set<string>();
  for (const f of files) {
    candidates.add(f);
    const sha = shaFromLibraryFile(f);
    if (sha && f.startsWith('outputs/')) candidates.add(previewFileFor(sha));
  }
  const removed: string[] = [];
  for (const f of candidates) {
    if (refs.has(f)) continue;
    try {
      await library.remove(f);
      removed.push(f);
    } catch {
      // Already gone or not removable: nothing references it, so it is harmless.
    }
  }
  return removed;
}
