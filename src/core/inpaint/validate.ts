// Input checks for inpaint(): every failure names the problem and the sizes involved.

import type { ImageBuffer, MaskBuffer } from '../image/types';
import { InpaintError } from './errors';

/** Throws InpaintError unless image and mask are well-formed and the mask is neither empty nor all hole. Returns the hole count. */
export function validateInpaintInput(image: ImageBuffer, mask: MaskBuffer): number {
  if (!image || typeof image !== 'object') throw new InpaintError('BAD_IMAGE', 'inpaint: image is missing');
  if (!mask || typeof mask !== 'object') throw new InpaintError('BAD_MASK', 'inpaint: mask is missing');
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InpaintError('BAD_IMAGE_SIZE', `inpaint: image size ${width}×${height} is not a positive integer size`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new InpaintError('BAD_CHANNELS', `inpaint: image has ${String(channels)} channels; expected 1, 3 or 4`);
  }
  if (!(data instanceof Uint8Array)) {
    throw new InpaintError('BAD_IMAGE_DATA', 'inpaint: image data must be a Uint8Array of 8-bit samples (convert float images first)');
  }
  if (data.length !== width * height * channels) {
    throw new InpaintError('IMAGE_DATA_LENGTH', `inpaint: image data has ${data.length} bytes, expected ${width}×${height}×${channels} = ${width * height * channels}`);
  }
  if (mask.width !== width || mask.height !== height) {
    throw new InpaintError('MASK_SIZE_MISMATCH', `inpaint: mask is ${mask.width}×${mask.height} but the image is ${width}×${height}`);
  }
  if (!(mask.data instanceof Uint8Array) || mask.data.length !== width * height) {
    throw new InpaintError('MASK_DATA_LENGTH', `inpaint: mask data has ${mask.data?.length} bytes, expected ${width}×${height} = ${width * height}`);
  }
  let holes = 0;
  const m = mask.data;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) holes++;
  if (holes === 0) throw new InpaintError('EMPTY_MASK', `inpaint: the mask (${width}×${height}) marks no pixel to fill`);
  if (holes === m.length) {
    throw new InpaintError('ALL_HOLE', `inpaint: the mask marks all ${width}×${height} pixels as hole; nothing is left to fill from`);
  }
  return holes;
}

/**
 * Checks a source area against the image and hole and returns, per pixel, 1 where the fill may
 * copy from. include: the marked pixels; exclude: all but the marked pixels.
 */
export function validateSourceArea(area: { mask: MaskBuffer; mode: 'include' | 'exclude' }, width: number, height: number, hole: Uint8Array): Uint8Array {
  const { mask, mode } = area;
  if (mode !== 'include' && mode !== 'exclude') {
    throw new InpaintError('SOURCE_MASK_MODE', `inpaint: unknown source-area mode '${String(mode)}'; expected include or exclude`);
  }
  if (!mask || mask.width !== width || mask.height !== height || !(mask.data instanceof Uint8Array) || mask.data.length !== width * height) {
    throw new InpaintError('SOURCE_MASK_SIZE', `inpaint: the source-area mask is ${mask?.width}×${mask?.height} but the image is ${width}×${height}`);
  }
  const allowed = new Uint8Array(width * height);
  let marked = 0, usable = 0;
  for (let p = 0; p < allowed.length; p++) {
    const on = mask.data[p] !== 0;
    if (on) marked++;
    if (on === (mode === 'include')) {
      allowed[p] = 1;
      if (!hole[p]) usable++;
    }
  }
  if (mode === 'include' && marked === 0) throw new InpaintError('SOURCE_MASK_EMPTY', 'inpaint: the source mask marks no pixel to copy from');
  if (mode === 'exclude' && marked === allowed.length) throw new InpaintError('SOURCE_MASK_EMPTY', 'inpaint: the source mask excludes every pixel of the photo; nothing is left to copy from');
  if (usable === 0) throw new InpaintError('SOURCE_MASK_NO_SOURCE', 'inpaint: the source area lies only inside the area to fill; mark pixels outside it to copy from');
  return allowed;
}
