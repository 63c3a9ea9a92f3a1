// Pixels the editor reads through the API, never from a library URL (in the desktop app those
// images are cross-origin and their pixels unreadable): the downscaled working copy of what is on
// stage (object tool, automatic overlay colour) and the masks stored with an edit.
import type { RenovoApi } from '../../../shared/contract';
import type { WorkingImage } from '../region';

/** The working copies of the last few photo/edit/size combinations, decoded once each. */
export class WorkingImages {
  #cache = new Map<string, Promise<WorkingImage>>();

  constructor(private readonly api: RenovoApi) {}

  /** RGBA of a photo (editId null) or an edit, downscaled to at most `maxSide`. */
  get(photoId: number, editId: number | null, maxSide: number): Promise<WorkingImage> {
    const key = `${photoId}:${editId ?? 'original'}:${maxSide}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const pending = (async () => {
      const file = await this.api.getPreviewBytes({ photoId, editId });
      const bitmap = await createImageBitmap(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mime }));
      const k = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
      const w = Math.max(1, Math.round(bitmap.width * k));
      const h = Math.max(1, Math.round(bitmap.height * k));
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('Canvas 2D is not available');
      ctx.drawImage(bitmap, 0, 0, w, h);
      bitmap.close();
      return { width: w, height: h, data: ctx.getImageData(0, 0, w, h).data };
    })();
    this.#cache.set(key, pending);
    if (this.#cache.size > 6) this.#cache.delete(this.#cache.keys().next().value!);
    pending.catch(() => this.#cache.delete(key));
    return pending;
  }
}

/** RGBA of a mask stored with an edit, checked against the photo's size. */
export async function readEditMask(api: RenovoApi, editId: number, layer: 'hole' | 'source', photo: { width: number; height: number }): Promise<Uint8ClampedArray> {
  const file = await api.getEditMask({ editId, layer });
  const blob = new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mime });
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  if (bitmap.width !== photo.width || bitmap.height !== photo.height) {
    throw new Error(`it is ${bitmap.width} × ${bitmap.height}, the photo ${photo.width} × ${photo.height}`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('Canvas 2D is not available');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
}
