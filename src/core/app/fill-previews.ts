// The instant fills a GAN removal shows while its z-search runs (issue 17): each hole's G(E(x)),
// blended into its window, arrives from the worker as small raw RGBA (opaque over the hole only);
// here it becomes a WebP with alpha and a job event. Encoded one at a time, in order; once the job
// has settled (`close`), a preview still being encoded is dropped, so no preview event follows the
// job's done/failed/cancelled.
import sharp from 'sharp';
import type { FillPreview } from '../inpaint/gan';
import type { JobEvent } from '../../shared/api';

/** Longest side of a preview image (a guard: the engine sends at most its PREVIEW_SIDE). */
export const FILL_PREVIEW_MAX_SIDE = 1024;

export type FillPreviewEvent = Omit<Extract<JobEvent, { type: 'fill-preview' }>, 'jobId'>;

export async function encodeFillPreview(p: FillPreview): Promise<FillPreviewEvent> {
  const { width, height, channels, data } = p.image;
  const bytes = await sharp(data, { raw: { width, height, channels } })
    .resize({ width: FILL_PREVIEW_MAX_SIDE, height: FILL_PREVIEW_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 85 })
    .toBuffer();
  return {
    type: 'fill-preview',
    box: { x: p.x0, y: p.y0, width: p.width, height: p.height },
    image: { mime: 'image/webp', bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
    hole: p.hole,
    holes: p.holes,
  };
}

export class FillPreviews {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly emit: (event: FillPreviewEvent) => void) {}

  add(p: FillPreview): void {
    if (this.closed) return;
    this.chain = this.chain
      .then(() => encodeFillPreview(p))
      .then((event) => { if (!this.closed) this.emit(event); })
      .catch(() => {}); // a preview that cannot be encoded is only not shown: the removal goes on
  }

  /** The job has settled: nothing more is emitted. */
  close(): void {
    this.closed = true;
  }
}
