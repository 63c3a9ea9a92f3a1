// Derived WebP previews for the UI (max side 2048), cached at previews/<sha256 of the source>.webp.
// A cache, not data: no DB column points at it, and a missing file is simply regenerated.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makePreview } from '../image/io';
import { writeFileAtomic } from '../image/files';
import type { Library } from '../library';

export const PREVIEW_MAX_SIDE = 2048;

export function previewFileFor(sha256: string): string {
  return `previews/${sha256}.webp`;
}

export class PreviewCache {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly library: Library) {}

  /**
   * Returns the preview's library-relative path, generating it from `load()` when missing.
   * Failures (e.g. a referenced original was moved away) are not fatal: the path is returned and
   * the file simply stays missing until the source is back.
   */
  async ensure(sha256: string, load: () => Promise<Uint8Array>, name?: string): Promise<string> {
    const rel = previewFileFor(sha256);
    if (this.library.exists(rel)) return rel;
    const abs = this.library.resolve(rel);
    let pending = this.inFlight.get(sha256);
    if (!pending) {
      pending = this.generate(rel, abs, load, name).finally(() => this.inFlight.delete(sha256));
      this.inFlight.set(sha256, pending);
    }
    return pending;
  }

  private async generate(rel: string, abs: string, load: () => Promise<Uint8Array>, name?: string): Promise<string> {
    try {
      const preview = await makePreview(await load(), PREVIEW_MAX_SIDE, { name });
      await mkdir(dirname(abs), { recursive: true });
      await writeFileAtomic(abs, preview.bytes, { overwrite: true });
    } catch {
      // Leave it missing; the next call tries again.
    }
    return rel;
  }
}
