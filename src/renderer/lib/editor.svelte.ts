// Shared editor state (Svelte 5 runes), provided to components through context.
// Big immutable things (DTO lists, decoded images) use $state.raw: they are replaced, never mutated.
import { getContext, setContext } from 'svelte';
import type {
  AppInfo,
  BlendMode,
  EditDto,
  EngineChoice,
  ExportFormat,
  JobEvent,
  PhotoDto,
  RenovoApi,
} from '../../shared/contract';
import { describeError } from './api/errors';
import { hasEventsReady } from './api/web-client';

export type NoticeKind = 'error' | 'info' | 'success';
export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

export interface JobState {
  /** null while startInpaint is in flight. */
  id: string | null;
  fraction: number;
  message: string;
  cancelling: boolean;
}

/** Implemented by the stage that owns the full-resolution mask canvas. */
export interface MaskSource {
  encodePng(): Promise<Uint8Array<ArrayBuffer>>;
  isEmpty(): boolean;
  clear(): void;
}

export const MASK_DILATE_PX = 4;
const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

export class EditorStore {
  readonly api: RenovoApi;

  appInfo = $state.raw<AppInfo | null>(null);
  photos = $state.raw<PhotoDto[]>([]);
  photo = $state.raw<PhotoDto | null>(null);
  edits = $state.raw<EditDto[]>([]);
  /** The edit shown on the stage (null = the original). Removal builds on what is shown. */
  viewingEditId = $state<number | null>(null);

  brushSize = $state(36);
  engine = $state<EngineChoice>('auto');
  blend = $state<BlendMode>('normal');
  exportFormat = $state<ExportFormat>('jpeg');

  job = $state<JobState | null>(null);
  busy = $state<string | null>(null);
  maskPainted = $state(false);
  notices = $state<Notice[]>([]);

  viewing = $derived(this.edits.find((e) => e.id === this.viewingEditId) ?? null);
  /** Library-relative preview file currently on the stage. */
  displayFile = $derived(this.viewing?.previewFile ?? this.photo?.previewFile ?? null);

  #mask: MaskSource | null = null;
  #noticeSeq = 0;
  #buffered = new Map<string, JobEvent[]>();
  #unsubscribe: (() => void) | null = null;

  constructor(api: RenovoApi) {
    this.api = api;
  }

  async init(): Promise<void> {
    this.#unsubscribe = this.api.onJobEvent((event) => this.#onJobEvent(event));
    try {
      const [info, photos] = await Promise.all([this.api.getAppInfo({}), this.api.listPhotos({})]);
      this.appInfo = info;
      this.photos = photos;
    } catch (error) {
      this.notify('error', `Could not connect to Renovo: ${describeError(error)}`);
    }
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  attachMask(source: MaskSource | null): void {
    this.#mask = source;
  }

  clearMask(): void {
    this.#mask?.clear();
  }

  notify(kind: NoticeKind, text: string, timeoutMs = kind === 'error' ? 0 : 4000): void {
    const id = ++this.#noticeSeq;
    this.notices = [...this.notices, { id, kind, text }];
    if (timeoutMs > 0) setTimeout(() => this.dismiss(id), timeoutMs);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  async importFile(file: File): Promise<void> {
    if (this.busy || this.job) return;
    if (file.size > MAX_IMPORT_BYTES) {
      this.notify('error', `${file.name} is too large to import (${Math.round(file.size / 1048576)} MB).`);
      return;
    }
    this.busy = `Importing ${file.name}…`;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const name = file.name.replace(/[\\/\0]/g, '_').slice(0, 255) || 'photo';
      const photo = await this.api.importPhoto({ name, bytes });
      this.photos = [photo, ...this.photos.filter((p) => p.id !== photo.id)];
      await this.openPhoto(photo);
    } catch (error) {
      this.notify('error', `Could not import ${file.name}: ${describeError(error)}`);
    } finally {
      this.busy = null;
    }
  }

  async openPhoto(photo: PhotoDto): Promise<void> {
    this.#mask?.clear();
    this.photo = photo;
    this.viewingEditId = null;
    this.edits = [];
    await this.refreshEdits();
  }

  async refreshEdits(): Promise<void> {
    const photo = this.photo;
    if (!photo) return;
    try {
      const edits = await this.api.listEdits({ photoId: photo.id });
      if (this.photo?.id === photo.id) this.edits = edits;
    } catch (error) {
      this.notify('error', `Could not load the edit history: ${describeError(error)}`);
    }
  }

  view(editId: number | null): void {
    this.viewingEditId = editId;
  }

  async startRemoval(): Promise<void> {
    const photo = this.photo;
    const mask = this.#mask;
    if (!photo || !mask || this.job) return;
    if (mask.isEmpty()) {
      this.notify('info', 'Paint over the object you want to remove first.');
      return;
    }
    this.job = { id: null, fraction: 0, message: 'Starting…', cancelling: false };
    try {
      const bytes = await mask.encodePng();
      // Over the web bridge, events travel on a WebSocket: make sure it is open before the job starts.
      if (hasEventsReady(this.api)) await this.api.eventsReady();
      const { jobId } = await this.api.startInpaint({
        photoId: photo.id,
        parentEditId: this.viewingEditId,
        mask: bytes,
        engine: this.engine,
        blend: this.blend,
        dilate: MASK_DILATE_PX,
      });
      if (!this.job) return;
      this.job = { ...this.job, id: jobId };
      const early = this.#buffered.get(jobId) ?? [];
      this.#buffered.clear();
      for (const event of early) this.#onJobEvent(event);
    } catch (error) {
      this.job = null;
      this.#buffered.clear();
      this.notify('error', `Removal could not start: ${describeError(error)}`);
    }
  }

  async cancelJob(): Promise<void> {
    const job = this.job;
    if (!job?.id || job.cancelling) return;
    this.job = { ...job, cancelling: true, message: 'Cancelling…' };
    try {
      await this.api.cancelJob({ jobId: job.id });
    } catch (error) {
      this.notify('error', `Could not cancel: ${describeError(error)}`);
      if (this.job) this.job = { ...this.job, cancelling: false };
    }
  }

  async exportCurrent(): Promise<void> {
    const photo = this.photo;
    if (!photo || this.busy) return;
    this.busy = 'Exporting…';
    try {
      const result = await this.api.exportImage({ photoId: photo.id, editId: this.viewingEditId, format: this.exportFormat });
      const blob = new Blob([result.bytes as Uint8Array<ArrayBuffer>], { type: result.mime });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = result.fileName;
      a.rel = 'noopener';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.notify('success', `Exported ${result.fileName}`);
    } catch (error) {
      this.notify('error', `Export failed: ${describeError(error)}`);
    } finally {
      this.busy = null;
    }
  }

  #onJobEvent(event: JobEvent): void {
    const job = this.job;
    if (!job) return;
    if (job.id === null) {
      // startInpaint has not answered yet: keep events until we know our job id.
      const list = this.#buffered.get(event.jobId) ?? [];
      list.push(event);
      this.#buffered.set(event.jobId, list);
      return;
    }
    if (event.jobId !== job.id) return;
    switch (event.type) {
      case 'progress':
        if (!job.cancelling) this.job = { ...job, fraction: Math.max(0, Math.min(1, event.fraction)), message: event.message };
        break;
      case 'done':
        this.job = null;
        this.#mask?.clear();
        this.edits = [...this.edits.filter((e) => e.id !== event.edit.id), event.edit];
        this.viewingEditId = event.edit.id;
        this.notify('success', `Removed in ${(event.edit.durationMs / 1000).toFixed(1)} s (${event.edit.engine}).`);
        void this.refreshEdits();
        break;
      case 'failed':
        this.job = null;
        this.notify('error', `Removal failed: ${event.error}`);
        break;
      case 'cancelled':
        this.job = null;
        this.notify('info', 'Removal cancelled.');
        break;
    }
  }
}

const KEY = Symbol('renovo-editor');

export function provideEditor(store: EditorStore): EditorStore {
  setContext(KEY, store);
  return store;
}

/** Context map for `mount(App, { context })`, so the root component can `useEditor()` too. */
export function editorContext(store: EditorStore): Map<unknown, unknown> {
  return new Map<unknown, unknown>([[KEY, store]]);
}

export function useEditor(): EditorStore {
  const store = getContext<EditorStore | undefined>(KEY);
  if (!store) throw new Error('useEditor() called outside the editor provider');
  return store;
}
