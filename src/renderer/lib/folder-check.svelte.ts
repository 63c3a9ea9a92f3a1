// A folder the user types or browses to, checked by the engine (inspectFolder): its image count,
// warnings and a few thumbnails. Shared by the Batch panel (scans to restore) and the Fine-tune
// panel (images to adapt a model to).
import type { FolderInfo, RenovoApi } from '../../shared/contract';
import { describeError } from './api/errors';
import { isAbsolutePath } from './format';

export class FolderCheck {
  path = $state('');
  info = $state.raw<FolderInfo | null>(null);
  /** blob: URLs of the folder's thumbnails (revoked when replaced). */
  thumbUrls = $state.raw<{ name: string; url: string }[]>([]);
  error = $state<string | null>(null);
  inspecting = $state(false);

  constructor(
    private readonly api: RenovoApi,
    private readonly purpose: 'batch' | 'training',
    /** e.g. /home/me/Scans, shown when the path is not absolute */
    private readonly example: string,
    private readonly chooseTitle: string,
  ) {}

  /** Asks the engine about the folder at `path`; true when it could be read. */
  async inspect(): Promise<boolean> {
    const path = this.path.trim();
    this.error = null;
    if (!isAbsolutePath(path)) {
      this.info = null;
      this.error = `Enter the full path of a folder on this computer (e.g. ${this.example}).`;
      return false;
    }
    this.inspecting = true;
    try {
      const info = await this.api.inspectFolder({ path, purpose: this.purpose });
      this.#revoke();
      this.thumbUrls = info.thumbnails.map((t) => ({ name: t.name, url: URL.createObjectURL(new Blob([t.bytes as Uint8Array<ArrayBuffer>], { type: t.mime })) }));
      this.info = info;
      return true;
    } catch (e) {
      this.info = null;
      this.error = describeError(e);
      return false;
    } finally {
      this.inspecting = false;
    }
  }

  /** The native folder dialog (desktop), then a check of the chosen folder. */
  async choose(): Promise<boolean> {
    try {
      const { path } = await this.api.chooseFolder({ title: this.chooseTitle });
      if (!path) return false;
      this.path = path;
      return await this.inspect();
    } catch (e) {
      this.error = describeError(e);
      return false;
    }
  }

  dispose(): void {
    this.#revoke();
  }

  #revoke(): void {
    for (const t of this.thumbUrls) URL.revokeObjectURL(t.url);
  }
}
