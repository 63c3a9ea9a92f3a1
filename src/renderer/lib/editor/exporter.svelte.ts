// "Save as…": the shown image (original or edit) exported by the app with the photo's metadata, in
// the chosen format, and handed to the browser as a download.
import type { ExportFormat, RenovoApi } from '../../../shared/contract';
import { describeError } from '../api/errors';
import type { EditHistory } from './history.svelte';
import type { Library } from './library.svelte';
import type { Notices } from './notices.svelte';

export class Exporter {
  format = $state<ExportFormat>('jpeg');
  quality = $state(92);
  readonly lossy = $derived(this.format === 'jpeg' || this.format === 'webp');

  constructor(
    private readonly api: RenovoApi,
    private readonly notices: Notices,
    private readonly library: Library,
    private readonly history: EditHistory,
  ) {}

  async save(): Promise<void> {
    const photo = this.library.photo;
    if (!photo || this.notices.busy) return;
    this.notices.busy = 'Exporting…';
    try {
      const result = await this.api.exportImage({
        photoId: photo.id,
        editId: this.history.viewingEditId,
        format: this.format,
        ...(this.lossy ? { quality: this.quality } : {}),
      });
      download(new Blob([result.bytes as Uint8Array<ArrayBuffer>], { type: result.mime }), result.fileName);
      this.notices.notify('success', `Exported ${result.fileName}`);
    } catch (error) {
      this.notices.notify('error', `Export failed: ${describeError(error)}`);
    } finally {
      this.notices.busy = null;
    }
  }
}

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
