// Library files are content-addressed, so two edits (even of different photos) can share a mask or
// an output file. A file is removed only when no edit and no photo refers to it any more.
import type { Library } from '../library';
import type { EditRow } from '../store';
import { previewFileFor } from './previews';
import { shaFromLibraryFile } from './files';
import { recordedSourceArea } from './source-area';

/** The library files an edit refers to: its output, its mask and its source-area mask. */
export function editFiles(edit: EditRow): string[] {
  const files = [edit.outputFile];
  if (edit.maskFile) files.push(edit.maskFile);
  const source = recordedSourceArea(edit.params);
  if (source) files.push(source.maskFile);
  return files;
}

function referencedFiles(library: Library): Set<string> {
  const refs = new Set<string>();
  for (const photo of library.store.photos.list()) {
    refs.add(photo.path);
    refs.add(previewFileFor(photo.sha256));
    for (const edit of library.store.edits.listForPhoto(photo.id)) {
      for (const f of editFiles(edit)) refs.add(f);
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
