// The inpainting pipeline shared by the service (startInpaint) and the CLI (inpaintFile):
// load + validate the mask, run the job on a worker, record the result in the library.
import { randomInt } from 'node:crypto';
import { ApiError, type BlendMode, type EngineChoice } from '../../shared/api';
import { encodeImage } from '../image/io';
import { decodeMask, dilateMask, encodeMask, maskStats } from '../image/mask';
import type { ImageBuffer, MaskBuffer } from '../image/types';
import type { JobRunner } from '../jobs';
import type { Library } from '../library';
import type { EditRow } from '../store';
import { removeUnreferenced } from './references';

export interface InpaintSettings {
  engine: EngineChoice;
  blend: BlendMode;
  dilate: number;
  seed?: number;
}

export interface PreparedMask {
  /** The dilated mask the engine fills (255 = hole). */
  mask: MaskBuffer;
  /** The dilated mask as PNG, stored with the edit. */
  png: Uint8Array;
  holePixels: number;
}

/** Decodes a mask at the photo's full resolution and grows it by `dilate` pixels. */
export async function prepareMask(
  bytes: Uint8Array,
  size: { width: number; height: number },
  name: string,
  dilate: number,
): Promise<PreparedMask> {
  const raw = await decodeMask(bytes, size, name); // MASK_SIZE_MISMATCH / EMPTY_MASK name the file
  const mask = dilate > 0 ? dilateMask(raw, dilate) : raw;
  const { holePixels } = maskStats(mask);
  if (holePixels >= mask.width * mask.height) {
    throw new ApiError(
      'MASK_ALL_HOLE',
      `${name}: the mask${dilate > 0 ? ` (dilated by ${dilate} px)` : ''} covers the whole photo; nothing is left to fill from`,
    );
  }
  return { mask, png: await encodeMask(mask), holePixels };
}

export interface InpaintRun {
  image: ImageBuffer;
  engine: string;
  holes: number;
  seed: number;
  durationMs: number;
}

/** Runs the engine on a worker. `image` and `mask` buffers are transferred (detached afterwards). */
export async function runInpaintJob(
  runner: JobRunner,
  image: ImageBuffer,
  mask: MaskBuffer,
  settings: InpaintSettings,
  control: { signal?: AbortSignal; onProgress?: (fraction: number, message: string) => void } = {},
): Promise<InpaintRun> {
  // A seed is always recorded so any edit can be reproduced exactly.
  const seed = settings.seed ?? randomInt(0, 2 ** 31 - 1);
  const started = performance.now();
  const out = await runner.run(
    'inpaint',
    { image, mask, engine: settings.engine, blend: settings.blend, seed },
    control,
  );
  return { image: out.image, engine: out.engine, holes: out.holes, seed, durationMs: Math.round(performance.now() - started) };
}

export interface RecordEditInput {
  photoId: number;
  parentId: number | null;
  mask: PreparedMask;
  run: InpaintRun;
  settings: InpaintSettings;
}

/** Stores mask + output PNG in the library and adds the edit row; on failure leaves nothing behind. */
export async function recordInpaintEdit(library: Library, input: RecordEditInput): Promise<EditRow> {
  const outputPng = await encodeImage(input.run.image, { format: 'png' });
  const written: string[] = [];
  try {
    const maskFile = await library.putBytes('masks', input.mask.png, 'png');
    written.push(maskFile);
    const outputFile = await library.putBytes('outputs', outputPng, 'png');
    written.push(outputFile);
    return library.store.edits.add({
      photoId: input.photoId,
      parentId: input.parentId,
      kind: 'inpaint',
      engine: input.run.engine,
      modelVersionId: null,
      params: {
        engineRequested: input.settings.engine,
        blend: input.settings.blend,
        dilate: input.settings.dilate,
        seed: input.run.seed,
        holes: input.run.holes,
        maskPixels: input.mask.holePixels,
      },
      maskFile,
      outputFile,
      durationMs: input.run.durationMs,
    });
  } catch (e) {
    // Content-addressed files may be shared with other edits: remove only unreferenced ones.
    await removeUnreferenced(library, written).catch(() => undefined);
    throw e;
  }
}
