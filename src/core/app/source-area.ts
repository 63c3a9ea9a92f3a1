// The source area of a removal (Content-Aware Fill's "sampling area"): where the exemplar fill may
// (include) or may not (exclude) copy from. Decoded and checked before any job starts, so a bad one
// names its file and leaves the library untouched; recorded in the edit's params with its PNG.
import { ApiError, SOURCE_AREA_ENGINES, type EngineChoice, type SourceAreaDto, type SourceAreaMode } from '../../shared/api';
import { isImageError } from '../image/errors';
import { validateSourceArea } from '../inpaint/validate';
import { decodeMaskPixels, encodeMask } from '../image/mask';
import type { MaskBuffer } from '../image/types';
import type { JsonObject } from '../store';
import { toApiError } from './errors';

export interface PreparedSourceArea {
  /** 255 = marked, at the photo's full resolution. */
  mask: MaskBuffer;
  /** The mask as PNG, stored with the edit. */
  png: Uint8Array;
  mode: SourceAreaMode;
  /** Number of marked pixels. */
  pixels: number;
}

/** Throws ApiError SOURCE_MASK_ENGINE for engines that cannot honour a source area. */
export function checkSourceAreaEngine(engine: EngineChoice): void {
  if (!SOURCE_AREA_ENGINES.includes(engine)) {
    throw new ApiError('SOURCE_MASK_ENGINE', `a source area is used only by the PatchMatch engine (auto or patchmatch), not by '${engine}'`);
  }
}

/**
 * Decodes a source-area mask (non-zero = marked) and checks it against the hole the engine will
 * fill (already dilated): same size, something marked (include) or left unmarked (exclude), and
 * some allowed pixel outside the hole. Throws ApiError SOURCE_MASK_SIZE / SOURCE_MASK_EMPTY /
 * SOURCE_MASK_NO_SOURCE (and the ImageError of an unreadable file) naming `name`.
 */
export async function prepareSourceArea(bytes: Uint8Array, hole: MaskBuffer, name: string, mode: SourceAreaMode): Promise<PreparedSourceArea> {
  let decoded: { mask: MaskBuffer; marked: number };
  try {
    decoded = await decodeMaskPixels(bytes, hole, name, 'source mask');
  } catch (e) {
    if (isImageError(e, 'MASK_SIZE_MISMATCH')) throw new ApiError('SOURCE_MASK_SIZE', e.message);
    throw e;
  }
  const { mask, marked } = decoded;
  // the engine's own rules (empty, all excluded, nothing outside the hole), reworded to name the file
  try {
    validateSourceArea({ mask, mode }, mask.width, mask.height, hole.data);
  } catch (e) {
    throw nameSourceFailure(e, name);
  }
  return { mask, png: await encodeMask(mask), mode, pixels: marked };
}

/**
 * A failure of the run, with the engine's source-area refusals (e.g. too small to hold a patch,
 * found only once the engine looks) re-worded to name the source mask like the checks above.
 */
export function nameSourceFailure(e: unknown, name: string): unknown {
  const api = toApiError(e);
  if (!api.code.startsWith('SOURCE_MASK_')) return e;
  return new ApiError(api.code, `${name}: ${api.message.replace(/^inpaint: /, '')}`);
}

/** The source area recorded in an edit's params (see recordInpaintEdit), or null. */
export function recordedSourceArea(params: JsonObject): SourceAreaDto | null {
  const v = params.sourceArea;
  if (!v || typeof v !== 'object') return null;
  const { mode, maskFile, pixels } = v as Record<string, unknown>;
  if ((mode !== 'include' && mode !== 'exclude') || typeof maskFile !== 'string' || typeof pixels !== 'number') return null;
  return { mode, maskFile, pixels };
}
