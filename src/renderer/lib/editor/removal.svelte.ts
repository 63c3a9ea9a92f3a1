// Remove: sends the painted hole (and source area) with the engine settings, follows the job's
// progress, and when it is done adds the new edit to the history and starts from clean masks.
import type { JobEvent, RenovoApi } from '../../../shared/contract';
import { SOURCE_AREA_ENGINES } from '../../../shared/contract';
import { describeError } from '../api/errors';
import { hasEventsReady } from '../api/web-client';
import { JobFollower } from '../job-follower';
import type { EngineSettings } from './engine.svelte';
import type { EditHistory } from './history.svelte';
import type { Library } from './library.svelte';
import type { MaskLayers } from './masks.svelte';
import type { Notices } from './notices.svelte';

export interface JobState {
  /** null while startInpaint is in flight. */
  id: string | null;
  fraction: number;
  message: string;
  cancelling: boolean;
}

/** A provisional fill shown over the photo while a GAN removal refines it (photo pixels). */
export interface FillPatch {
  x: number;
  y: number;
  width: number;
  height: number;
  bitmap: ImageBitmap;
}

export class Removal {
  /** The removal running now (null: none; the masks and the history are locked while one runs). */
  job = $state<JobState | null>(null);
  /** The running removal's instant fills (gan-zopt with a z-encoder), one per hole so far. */
  previews = $state.raw<FillPatch[]>([]);
  readonly #events: JobFollower;

  constructor(
    private readonly api: RenovoApi,
    private readonly notices: Notices,
    private readonly library: Library,
    private readonly history: EditHistory,
    private readonly masks: MaskLayers,
    private readonly engine: EngineSettings,
  ) {
    this.#events = new JobFollower(api, (event) => this.#onJobEvent(event));
  }

  /** A painted source area that the chosen engine cannot use (Remove is refused then). */
  get sourceUnusable(): boolean {
    return this.masks.sourcePainted && !SOURCE_AREA_ENGINES.includes(this.engine.choice);
  }

  dispose(): void {
    this.#events.dispose();
  }

  async start(): Promise<void> {
    const photo = this.library.photo;
    const { hole, source } = this.masks;
    if (!photo || this.job || this.notices.busy) return;
    if (hole.empty) {
      this.notices.notify('info', 'Paint over the object you want to remove first.');
      return;
    }
    const missingModel = this.engine.missingModel;
    if (missingModel) {
      this.notices.notify('info', missingModel);
      return;
    }
    if (this.sourceUnusable) {
      this.notices.notify('info', 'The source area is used only by the Auto and PatchMatch engines: pick one of them or clear the source area.');
      return;
    }
    const engine = this.engine.request();
    // An empty exclude area restricts nothing: it is not sent.
    const sourceMask = this.masks.sourcePainted ? source : null;
    this.job = { id: null, fraction: 0, message: 'Starting…', cancelling: false };
    this.#events.expect();
    try {
      const t0 = performance.now();
      const bytes = await hole.encodePng();
      performance.measure('renovo:mask-encode', { start: t0, detail: bytes.byteLength });
      const sourceArea = sourceMask ? { mask: await sourceMask.encodePng(), mode: this.masks.sourceMode } : null;
      // Over the web bridge, events travel on a WebSocket: make sure it is open before the job starts.
      if (hasEventsReady(this.api)) await this.api.eventsReady();
      const { jobId } = await this.api.startInpaint({
        photoId: photo.id,
        parentEditId: this.history.viewingEditId,
        mask: bytes,
        ...engine,
        ...(sourceArea ? { sourceArea } : {}),
      });
      if (!this.job) return this.#events.stop();
      this.job = { ...this.job, id: jobId };
      this.#events.follow(jobId);
    } catch (error) {
      this.job = null;
      this.#events.stop();
      this.notices.notify('error', `Removal could not start: ${describeError(error)}`);
    }
  }

  async cancel(): Promise<void> {
    const job = this.job;
    if (!job?.id || job.cancelling) return;
    this.job = { ...job, cancelling: true, message: 'Cancelling…' };
    try {
      await this.api.cancelJob({ jobId: job.id });
    } catch (error) {
      this.notices.notify('error', `Could not cancel: ${describeError(error)}`);
      if (this.job) this.job = { ...this.job, cancelling: false };
    }
  }

  #onJobEvent(event: JobEvent): void {
    const job = this.job;
    if (!job) return;
    switch (event.type) {
      case 'progress':
        if (!job.cancelling) this.job = { ...job, fraction: Math.max(0, Math.min(1, event.fraction)), message: event.message };
        break;
      case 'fill-preview':
        if (!job.cancelling) void this.#showPreview(event);
        break;
      case 'done': {
        this.#end();
        // The masks now live with the edit (maskFile, sourceArea); start the next one from clean masks.
        const { width, height } = this.masks.hole.mask;
        this.masks.reset(width, height);
        this.history.added(event.edit);
        this.notices.notify('success', `Removed in ${(event.edit.durationMs / 1000).toFixed(1)} s (${this.library.engineLabel(event.edit.engine)}).`);
        void this.history.refresh();
        break;
      }
      case 'failed':
        this.#end();
        this.notices.notify('error', `Removal failed: ${event.error}`);
        break;
      case 'cancelled':
        this.#end();
        this.notices.notify('info', 'Removal cancelled.');
        break;
    }
  }

  async #showPreview(event: Extract<JobEvent, { type: 'fill-preview' }>): Promise<void> {
    const id = this.job?.id;
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(new Blob([event.image.bytes as Uint8Array<ArrayBuffer>], { type: event.image.mime }));
    } catch {
      return; // only a preview: the result still comes
    }
    // the job may have ended (or another started) while the image decoded
    if (!this.job || this.job.id !== id || this.job.cancelling) return bitmap.close();
    this.previews = [...this.previews, { ...event.box, bitmap }];
    this.job = { ...this.job, message: `Preview of hole ${event.hole}/${event.holes} — refining…` };
  }

  #end(): void {
    this.job = null;
    this.#events.stop();
    for (const p of this.previews) p.bitmap.close();
    this.previews = [];
  }
}
