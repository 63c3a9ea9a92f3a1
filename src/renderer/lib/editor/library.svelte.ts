// The library as the editor shows it: the app's info, the photos (most recent first), the models,
// and the photo open now, with the preview decoded in the page that stands in for it while an
// import uploads.
import type { AppInfo, ModelDto, PhotoDto, RenovoApi } from '../../../shared/contract';

export interface LocalPreview {
  bitmap: ImageBitmap;
  /** Full-resolution size of the photo. */
  width: number;
  height: number;
}

/**
 * Decode a file in the page (off the main thread; EXIF orientation applied); null when Chromium
 * cannot. The bitmap stays at full size: a second downscaling pass measured slower than drawing it
 * scaled for the few frames it is on screen (bench/editor).
 */
export async function decodeLocalPreview(file: Blob): Promise<LocalPreview | null> {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    return { bitmap, width: bitmap.width, height: bitmap.height };
  } catch {
    return null; // not an image Chromium decodes (TIFF, a broken file): the import decides
  }
}

export class Library {
  appInfo = $state.raw<AppInfo | null>(null);
  photos = $state.raw<PhotoDto[]>([]);
  models = $state.raw<ModelDto[]>([]);
  /** The photo open in the editor. */
  photo = $state.raw<PhotoDto | null>(null);
  /** Preview decoded in the page while an import uploads; dropped once the library's is painted. */
  localPreview = $state.raw<LocalPreview | null>(null);
  /** GAN generators (gan-zopt, fine-tuning) and imported inpainters (engine 'onnx'). */
  readonly generators = $derived(this.models.filter((m) => m.kind === 'generator'));
  readonly inpainters = $derived(this.models.filter((m) => m.kind === 'inpainter'));

  constructor(private readonly api: RenovoApi) {}

  /** Reads the app's info, photos and models; throws when the app cannot be reached. */
  async load(): Promise<void> {
    const [info, photos, models] = await Promise.all([this.api.getAppInfo({}), this.api.listPhotos({}), this.api.listModels({})]);
    this.appInfo = info;
    // Most recently imported first (the recent-photos list).
    this.photos = [...photos].sort((a, b) => b.importedAt.localeCompare(a.importedAt) || b.id - a.id);
    this.models = models;
  }

  async refreshModels(): Promise<void> {
    this.models = await this.api.listModels({});
  }

  /** Copies a file into the library; the photo goes first in the recent list. */
  async importPhoto(file: File): Promise<PhotoDto> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const name = file.name.replace(/[\\/\0]/g, '_').slice(0, 255) || 'photo';
    const photo = await this.api.importPhoto({ name, bytes });
    this.photos = [photo, ...this.photos.filter((p) => p.id !== photo.id)];
    return photo;
  }

  /** An engine's label as the app names it ("PatchMatch"), else its id. */
  engineLabel(id: string): string {
    return this.appInfo?.engines.find((e) => e.id === id)?.label ?? id;
  }

  setLocalPreview(preview: LocalPreview | null): void {
    if (this.localPreview && this.localPreview !== preview) this.localPreview.bitmap.close();
    this.localPreview = preview;
  }

  /** The stage painted the library's preview: the page-decoded stand-in is no longer needed. */
  dropLocalPreview(): void {
    this.setLocalPreview(null);
  }
}
