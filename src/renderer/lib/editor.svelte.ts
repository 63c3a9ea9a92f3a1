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
  ModelDto,
  PhotoDto,
  RenovoApi,
  SourceAreaMode,
  InpainterPresetId,
} from '../../shared/contract';
import { SOURCE_AREA_ENGINES } from '../../shared/contract';
import { describeError } from './api/errors';
import { hasEventsReady } from './api/web-client';
import { MaskStore } from './mask-store.svelte';
import type { WorkingImage } from './region';
import { editNumbers } from './history-tree';
import { choiceAfterDelete, defaultGanModel, modelLabel } from './model-choice';
import { DEFAULT_OVERLAY, contrastingOverlay, samplesUnderMask } from './overlay-contrast';
import { ViewState } from './view.svelte';

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

export type ToolId = 'brush' | 'eraser' | 'rect' | 'lasso' | 'object';
/** Which mask the tools paint: the hole to fill, or the source area the fill may copy from. */
export type PaintLayer = 'hole' | 'source';
export type Theme = 'dark' | 'light';

export const TOOLS: { id: ToolId; label: string; key: string }[] = [
  { id: 'brush', label: 'Brush', key: 'B' },
  { id: 'eraser', label: 'Eraser', key: 'E' },
  { id: 'rect', label: 'Rectangle', key: 'M' },
  { id: 'lasso', label: 'Lasso', key: 'L' },
  { id: 'object', label: 'Object', key: 'W' },
];

/** Source-area tints, apart from the hole overlay: green = copy from here, blue = never from here. */
export const SOURCE_TINTS: Record<SourceAreaMode, string> = { include: '#2fd27a', exclude: '#4d8dff' };
export const SOURCE_OPACITY = 0.45;

export const BRUSH_MIN = 2;
export const BRUSH_MAX = 1000;
import { DEFAULT_MASK_DILATE_PX } from '../../shared/contract';
const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** The web bridge takes request bodies up to 256 MiB (LaMa fp32 is 208 MB); larger models: the CLI. */
const MAX_MODEL_UPLOAD_BYTES = 250 * 2 ** 20;

/** The pixel convention of a custom import, as the editor's form sets it. */
export interface ImportCustom {
  channels: 'rgb' | 'bgr';
  imageRange: '0-1' | '0-255' | '-1-1';
  maskPolarity: 'hole-high' | 'hole-low';
  outputRange: '0-1' | '0-255' | '-1-1' | 'auto';
}

export class EditorStore {
  readonly api: RenovoApi;

  appInfo = $state.raw<AppInfo | null>(null);
  photos = $state.raw<PhotoDto[]>([]);
  models = $state.raw<ModelDto[]>([]);
  photo = $state.raw<PhotoDto | null>(null);
  edits = $state.raw<EditDto[]>([]);
  /** "#3" = this photo's third edit; what every label shows instead of the global id. */
  readonly editNumbers = $derived(editNumbers(this.edits));
  /** The edit shown on the stage (null = the original). Removal builds on what is shown. */
  viewingEditId = $state<number | null>(null);

  /** Edits stepped back from with undo, most recent last (cleared when the user picks another). */
  editRedo = $state.raw<number[]>([]);
  /** The full-resolution hole mask and its undo stack. */
  readonly mask: MaskStore = new MaskStore(() => this.#stepped(this.mask));
  /** The source area (Content-Aware Fill's sampling area), painted with the same tools. */
  readonly sourceMask: MaskStore = new MaskStore(() => this.#stepped(this.sourceMask));
  readonly view = new ViewState();
  paintLayer = $state<PaintLayer>('hole');
  /** include: the fill copies only from the source area; exclude: never from it. */
  sourceMode = $state<SourceAreaMode>('include');

  tool = $state<ToolId>('brush');
  /** Brush diameter in photo pixels (the cursor shows it at the current zoom). */
  brushSize = $state(40);
  /** 0–100: 100 = hard edge. */
  hardness = $state(100);
  /** Object tool: grow (+) / shrink (−) the selection, in working pixels; `selecting` while it segments. */
  grow = $state(2);
  selecting = $state(false);
  /** The user's overlay colour; shown only once they picked one (overlayAuto false). */
  overlayColour = $state(DEFAULT_OVERLAY);
  overlayAuto = $state(true);
  /** Chosen to stand out from what the mask covers (overlay-contrast.ts). */
  autoOverlayColour = $state(DEFAULT_OVERLAY);
  overlayOpacity = $state(0.55);

  engine = $state<EngineChoice>('auto');
  blend = $state<BlendMode>('normal');
  dilate = $state(DEFAULT_MASK_DILATE_PX);
  /** Engine 'gan-zopt': the model version (null: none chosen yet; the newest is picked) and its options. */
  ganModelId = $state<number | null>(null);
  ganLambda = $state(0.003);
  ganIterations = $state(1500);
  ganRestarts = $state(16);
  ganLearningRate = $state(0.03);
  /** Re-synthesise the fill's texture with PatchMatch guided by the GAN fill. */
  ganRefine = $state(false);
  /** Engine 'onnx': the imported inpainting model (null: none chosen yet; the newest is picked). */
  onnxModelId = $state<number | null>(null);
  /** "Import model…": the I/O convention the next file is imported with, and an import running. */
  importPreset = $state<InpainterPresetId | 'auto'>('auto');
  importCustom = $state<ImportCustom>({ channels: 'rgb', imageRange: '0-1', maskPolarity: 'hole-high', outputRange: 'auto' });
  importingModel = $state(false);
  /** "Delete model…": the imported model being deleted (the button waits for the app's answer). */
  deletingModelId = $state<number | null>(null);
  /** GAN generators (gan-zopt, fine-tuning) and imported inpainters (engine 'onnx'). */
  readonly generators = $derived(this.models.filter((m) => m.kind === 'generator'));
  readonly inpainters = $derived(this.models.filter((m) => m.kind === 'inpainter'));
  exportFormat = $state<ExportFormat>('jpeg');
  exportQuality = $state(92);

  theme = $state<Theme>('dark');
  compare = $state<'off' | 'split'>('off');
  /** Split position, 0–1 of the stage width: left of it shows the original. */
  split = $state(0.5);
  holdBefore = $state(false);
  helpOpen = $state(false);

  /** Preview decoded in the page while an import uploads; dropped once the library's is painted. */
  localPreview = $state.raw<LocalPreview | null>(null);

  job = $state<JobState | null>(null);
  busy = $state<string | null>(null);
  notices = $state<Notice[]>([]);

  maskPainted = $derived(!this.mask.empty);
  sourcePainted = $derived(!this.sourceMask.empty);
  /** The mask the tools paint into now. */
  paintMask = $derived(this.paintLayer === 'source' ? this.sourceMask : this.mask);
  /** A painted source area that the chosen engine cannot use (Remove is refused then). */
  sourceUnusable = $derived(this.sourcePainted && !SOURCE_AREA_ENGINES.includes(this.engine));
  viewing = $derived(this.edits.find((e) => e.id === this.viewingEditId) ?? null);
  /** Library-relative preview file currently on the stage. */
  displayFile = $derived(this.viewing?.previewFile ?? this.photo?.previewFile ?? null);
  canUndo = $derived(this.mask.canUndo || this.sourceMask.canUndo || this.viewingEditId !== null);
  canRedo = $derived(this.mask.canRedo || this.sourceMask.canRedo || this.editRedo.length > 0);
  #noticeSeq = 0;
  #working = new Map<string, Promise<WorkingImage>>();
  #importSeq = 0;
  #buffered = new Map<string, JobEvent[]>();
  #unsubscribe: (() => void) | null = null;
  /** Which mask took each undoable step, oldest first, so undo/redo follow the order they were made in. */
  #undoOrder: MaskStore[] = [];
  #redoOrder: MaskStore[] = [];

  constructor(api: RenovoApi) {
    this.api = api;
  }

  async init(): Promise<void> {
    this.#unsubscribe = this.api.onJobEvent((event) => this.#onJobEvent(event));
    try {
      const [info, photos, models] = await Promise.all([this.api.getAppInfo({}), this.api.listPhotos({}), this.api.listModels({})]);
      this.appInfo = info;
      // Most recently imported first (the recent-photos list).
      this.photos = [...photos].sort((a, b) => b.importedAt.localeCompare(a.importedAt) || b.id - a.id);
      this.models = models;
    } catch (error) {
      this.notify('error', `Could not connect to Renovo: ${describeError(error)}`);
    }
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Clears the mask being painted (the hole or the source area). */
  clearMask(): void {
    if (!this.job) this.paintMask.clear();
  }

  clearSourceArea(): void {
    if (!this.job) this.sourceMask.clear();
  }

  togglePaintLayer(): void {
    this.paintLayer = this.paintLayer === 'hole' ? 'source' : 'hole';
  }

  invertMask(): void {
    if (!this.photo || this.job) return;
    this.paintMask.apply('Invert', null, (m) => {
      for (let i = 0; i < m.data.length; i++) m.data[i] = 255 - m.data[i]!;
      return { x: 0, y: 0, width: m.width, height: m.height };
    });
  }

  setBrushSize(size: number): void {
    this.brushSize = Math.max(BRUSH_MIN, Math.min(BRUSH_MAX, Math.round(size)));
  }

  #stepped(store: MaskStore): void {
    this.#undoOrder.push(store);
    this.#redoOrder = [];
    for (const other of [this.mask, this.sourceMask]) if (other !== store) other.dropRedo();
  }

  /** Fresh, empty hole and source masks for a photo of this size (drops their undo history). */
  #resetMasks(width: number, height: number): void {
    this.mask.reset(width, height);
    this.sourceMask.reset(width, height);
    this.#undoOrder = [];
    this.#redoOrder = [];
  }

  /** Undo a mask step (hole or source area, most recent first); with none left, step back to the parent edit. */
  undo(): void {
    if (this.job) return;
    while (this.#undoOrder.length > 0) {
      const store = this.#undoOrder.pop()!;
      if (store.undo()) {
        this.#redoOrder.push(store);
        return;
      }
    }
    const current = this.viewing;
    if (current) {
      this.editRedo = [...this.editRedo, current.id];
      this.viewingEditId = current.parentId;
    }
  }

  redo(): void {
    if (this.job) return;
    while (this.#redoOrder.length > 0) {
      const store = this.#redoOrder.pop()!;
      if (store.redo()) {
        this.#undoOrder.push(store);
        return;
      }
    }
    const next = this.editRedo.at(-1);
    if (next !== undefined && this.edits.some((e) => e.id === next)) {
      this.editRedo = this.editRedo.slice(0, -1);
      this.viewingEditId = next;
    } else this.editRedo = [];
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
    if (this.busy || this.job) {
      this.notify('info', `${file.name} was not opened: wait until ${this.job ? 'the removal' : 'the current operation'} finishes.`);
      return;
    }
    if (file.size > MAX_IMPORT_BYTES) {
      this.notify('error', `${file.name} is too large to import (${Math.round(file.size / 1048576)} MB).`);
      return;
    }
    this.busy = `Importing ${file.name}…`;
    performance.mark('renovo:open', { detail: file.name });
    const seq = ++this.#importSeq;
    // Decode a downscaled preview in the page while the bytes upload, and show it at once.
    void decodeLocalPreview(file).then((preview) => {
      if (!preview) return;
      if (seq !== this.#importSeq || this.busy === null) {
        preview.bitmap.close();
        return;
      }
      this.#setLocalPreview(preview);
      if (!this.photo || this.photo.name !== file.name) {
        // A new photo is on its way: show it now, full resolution follows from the library.
        this.photo = null;
        this.edits = [];
        this.viewingEditId = null;
        this.view.setImage(preview.width, preview.height);
      }
    });
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const name = file.name.replace(/[\\/\0]/g, '_').slice(0, 255) || 'photo';
      const photo = await this.api.importPhoto({ name, bytes });
      this.photos = [photo, ...this.photos.filter((p) => p.id !== photo.id)];
      await this.openPhoto(photo);
    } catch (error) {
      this.#setLocalPreview(null);
      this.notify('error', `Could not import ${file.name}: ${describeError(error)}`);
    } finally {
      this.busy = null;
    }
  }

  #setLocalPreview(preview: LocalPreview | null): void {
    if (this.localPreview && this.localPreview !== preview) this.localPreview.bitmap.close();
    this.localPreview = preview;
  }

  /** The stage painted the library's preview: the page-decoded stand-in is no longer needed. */
  dropLocalPreview(): void {
    this.#setLocalPreview(null);
  }

  async openPhoto(photo: PhotoDto): Promise<void> {
    performance.mark('renovo:open-photo', { detail: photo.id });
    const local = this.localPreview;
    if (local && (local.width !== photo.width || local.height !== photo.height || this.busy === null)) this.#setLocalPreview(null);
    this.photo = photo;
    this.viewingEditId = null;
    this.ganModelId = null; // the picker falls back to the model last used on this photo
    this.editRedo = [];
    this.edits = [];
    this.compare = 'off';
    this.paintLayer = 'hole';
    this.#resetMasks(photo.width, photo.height);
    this.view.setImage(photo.width, photo.height);
    // A brush about 4 % of the short side: big enough to cover things, small enough to be precise.
    this.setBrushSize(Math.min(photo.width, photo.height) * 0.04);
    await this.refreshEdits();
  }

  /** Paste an image from the clipboard (Ctrl+V): imported like an opened file. */
  async importFromClipboard(data: DataTransfer | null): Promise<boolean> {
    const item = Array.from(data?.items ?? []).find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    const file = item?.getAsFile();
    if (!file) return false;
    const ext = file.type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
    const named = file.name && file.name !== 'image.png' ? file : new File([file], `pasted-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${ext}`, { type: file.type });
    await this.importFile(named);
    return true;
  }

  get shownOverlayColour(): string {
    return this.overlayAuto ? this.autoOverlayColour : this.overlayColour;
  }

  /** The user's pick; kept across photos and sessions (App persists it). */
  setOverlayColour(hex: string | null): void {
    if (hex === null) this.overlayAuto = true;
    else {
      this.overlayColour = hex;
      this.overlayAuto = false;
    }
  }

  /** Re-picks the automatic overlay colour from the pixels under the current hole mask. */
  async updateAutoOverlay(): Promise<void> {
    if (!this.overlayAuto || !this.photo) return;
    const photoId = this.photo.id;
    const img = await this.workingImage().catch(() => null);
    if (!img || this.photo?.id !== photoId) return;
    this.autoOverlayColour = contrastingOverlay(samplesUnderMask(img, this.mask.empty ? null : this.mask.mask));
  }

  editLabel(id: number): string {
    return `#${this.editNumbers.get(id) ?? id}`;
  }

  /**
   * RGBA pixels of what is on stage (original or edit), downscaled to at most `maxSide`, for the
   * object tool. Read through the API (never from a library URL: in the desktop app those images are
   * cross-origin and their pixels unreadable). Cached per photo/edit.
   */
  async workingImage(maxSide = 1024): Promise<WorkingImage | null> {
    const photo = this.photo;
    if (!photo) return null;
    const editId = this.viewingEditId;
    const key = `${photo.id}:${editId ?? 'original'}:${maxSide}`;
    const cached = this.#working.get(key);
    if (cached) return cached;
    const pending = (async () => {
      const file = await this.api.getPreviewBytes({ photoId: photo.id, editId });
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
    this.#working.set(key, pending);
    if (this.#working.size > 6) this.#working.delete(this.#working.keys().next().value!);
    pending.catch(() => this.#working.delete(key));
    return pending;
  }

  /**
   * Load the masks stored with an edit back into the editor (e.g. to retry with another engine):
   * the hole, and the source area with its mode when the edit had one.
   */
  async loadEditMask(edit: EditDto): Promise<void> {
    const photo = this.photo;
    if (!photo || !edit.maskFile || this.job) return;
    try {
      const hole = await this.#readEditMask(edit.id, 'hole', photo);
      const source = edit.sourceArea ? await this.#readEditMask(edit.id, 'source', photo) : null;
      if (this.photo?.id !== photo.id) return;
      this.#fillFrom(this.mask, hole, `Mask of edit ${this.editLabel(edit.id)}`);
      if (source && edit.sourceArea) {
        this.#fillFrom(this.sourceMask, source, `Source area of edit ${this.editLabel(edit.id)}`);
        this.sourceMode = edit.sourceArea.mode;
      }
      this.notify('info', `Loaded the mask${source ? ' and source area' : ''} of edit ${this.editLabel(edit.id)}.`);
    } catch (error) {
      this.notify('error', `Could not load the mask of edit ${this.editLabel(edit.id)}: ${describeError(error)}`);
    }
  }

  /** RGBA of a mask stored with an edit, checked against the photo's size. */
  async #readEditMask(editId: number, layer: 'hole' | 'source', photo: PhotoDto): Promise<Uint8ClampedArray> {
    // Through the API, not a library URL: the desktop page may not read renovo:// pixels.
    const file = await this.api.getEditMask({ editId, layer });
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

  #fillFrom(store: MaskStore, rgba: Uint8ClampedArray, label: string): void {
    store.apply(label, null, (m) => {
      for (let i = 0, o = 0; i < m.data.length; i++, o += 4) m.data[i] = rgba[o]! > 0 ? 255 : 0;
      return { x: 0, y: 0, width: m.width, height: m.height };
    });
  }

  async deleteEdit(editId: number): Promise<void> {
    const photo = this.photo;
    if (!photo || this.job) return;
    try {
      const { deletedEditIds } = await this.api.deleteEdit({ editId });
      const gone = new Set(deletedEditIds);
      const deleted = this.edits.find((e) => e.id === editId);
      if (this.viewingEditId !== null && gone.has(this.viewingEditId)) this.viewingEditId = deleted?.parentId ?? null;
      this.editRedo = this.editRedo.filter((id) => !gone.has(id));
      this.edits = this.edits.filter((e) => !gone.has(e.id));
      this.notify('info', deletedEditIds.length > 1 ? `Deleted ${deletedEditIds.length} edits.` : `Deleted edit ${this.editLabel(editId)}.`);
      await this.refreshEdits();
    } catch (error) {
      this.notify('error', `Could not delete edit ${this.editLabel(editId)}: ${describeError(error)}`);
    }
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

  /** Show an edit (null = the original); removal then continues from it (a branch if it has children). */
  show(editId: number | null): void {
    if (editId !== this.viewingEditId) this.editRedo = [];
    this.viewingEditId = editId;
  }

  /** The model version the GAN engine will use: the chosen one, else the newest installed. */
  get ganModel(): ModelDto | null {
    return this.generators.find((m) => m.id === this.ganModelId) ?? defaultGanModel(this.generators, this.edits);
  }

  /** The imported model engine 'onnx' will use: the chosen one, else the newest imported. */
  get onnxModel(): ModelDto | null {
    return this.inpainters.find((m) => m.id === this.onnxModelId) ?? this.inpainters.at(-1) ?? null;
  }

  /**
   * "Import model…": checks and copies a user's ONNX inpainting model into the library; on success
   * it becomes the 'onnx' engine's model. Refusals (wrong shapes, not ONNX, cut off, already
   * imported) are shown as the app words them.
   */
  async importModel(file: File): Promise<ModelDto | null> {
    if (this.importingModel) return null;
    if (file.size > MAX_MODEL_UPLOAD_BYTES) {
      this.notify('error', `${file.name} is ${Math.round(file.size / 2 ** 20)} MB; the editor imports models up to ${MAX_MODEL_UPLOAD_BYTES / 2 ** 20} MB (use renovo models import for larger files)`);
      return null;
    }
    this.importingModel = true;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const custom = this.importPreset === 'custom' ? { custom: { ...this.importCustom } } : {};
      const model = await this.api.importModel({ fileName: file.name, bytes, kind: 'inpainter', preset: this.importPreset, ...custom });
      this.models = await this.api.listModels({});
      this.onnxModelId = model.id;
      this.engine = 'onnx';
      this.notify('success', `Imported ${model.name} v${model.version} (${model.summary ?? model.architecture}).`);
      return model;
    } catch (error) {
      this.notify('error', `The model was not imported: ${describeError(error)}`);
      return null;
    } finally {
      this.importingModel = false;
    }
  }

  /**
   * "Delete model…": removes an imported inpainting model from the library (its file too). The
   * list is read again; the "Your model" engine falls back to Auto if it was using it. A refusal
   * (e.g. a running batch fills wide damage with it) is shown as the app words it.
   */
  async deleteModel(model: ModelDto): Promise<boolean> {
    if (this.deletingModelId !== null || this.job) return false;
    this.deletingModelId = model.id;
    try {
      await this.api.deleteModel({ modelId: model.id });
      const next = choiceAfterDelete({ engine: this.engine, onnxModelId: this.onnxModelId }, this.onnxModel?.id ?? null, model.id);
      const fellBack = next.engine !== this.engine;
      this.engine = next.engine;
      this.onnxModelId = next.onnxModelId;
      this.notify('success', `Deleted ${modelLabel(model)}${fellBack ? '; the engine is Auto again' : ''}.`);
      return true;
    } catch (error) {
      this.notify('error', `${modelLabel(model)} was not deleted: ${describeError(error)}`);
      return false;
    } finally {
      // read again either way: a refusal for a model already gone should drop it from the pickers
      try {
        this.models = await this.api.listModels({});
      } catch (error) {
        this.notify('error', `Could not read the model list: ${describeError(error)}`);
      }
      this.deletingModelId = null;
    }
  }

  async startRemoval(): Promise<void> {
    const photo = this.photo;
    const mask = this.mask;
    if (!photo || this.job || this.busy) return;
    if (mask.empty) {
      this.notify('info', 'Paint over the object you want to remove first.');
      return;
    }
    const ganModel = this.engine === 'gan-zopt' ? this.ganModel : null;
    if (this.engine === 'gan-zopt' && !ganModel) {
      this.notify('info', 'The semantic (GAN) engine needs a model: install or train one first.');
      return;
    }
    const onnxModel = this.engine === 'onnx' ? this.onnxModel : null;
    if (this.engine === 'onnx' && !onnxModel) {
      this.notify('info', 'The "Your model" engine needs an inpainting model: use Import model… first.');
      return;
    }
    if (this.sourceUnusable) {
      this.notify('info', 'The source area is used only by the Auto and PatchMatch engines: pick one of them or clear the source area.');
      return;
    }
    // An empty exclude area restricts nothing: it is not sent.
    const sourceMask = this.sourcePainted ? this.sourceMask : null;
    this.job = { id: null, fraction: 0, message: 'Starting…', cancelling: false };
    try {
      const t0 = performance.now();
      const bytes = await mask.encodePng();
      performance.measure('renovo:mask-encode', { start: t0, detail: bytes.byteLength });
      const sourceArea = sourceMask ? { mask: await sourceMask.encodePng(), mode: this.sourceMode } : null;
      // Over the web bridge, events travel on a WebSocket: make sure it is open before the job starts.
      if (hasEventsReady(this.api)) await this.api.eventsReady();
      const { jobId } = await this.api.startInpaint({
        photoId: photo.id,
        parentEditId: this.viewingEditId,
        mask: bytes,
        engine: this.engine,
        blend: this.blend,
        dilate: this.dilate,
        ...(sourceArea ? { sourceArea } : {}),
        ...(onnxModel ? { modelId: onnxModel.id } : {}),
        ...(ganModel
          ? {
              modelId: ganModel.id,
              gan: {
                // an emptied number field reads as null: fall back to the engine defaults
                lambda: Number.isFinite(this.ganLambda) ? this.ganLambda : 0.003,
                iterations: this.ganIterations,
                restarts: this.ganRestarts,
                learningRate: Number.isFinite(this.ganLearningRate) && this.ganLearningRate > 0 ? this.ganLearningRate : 0.03,
                refine: this.ganRefine ? 'patchmatch' : 'off',
              },
            }
          : {}),
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
      const lossy = this.exportFormat === 'jpeg' || this.exportFormat === 'webp';
      const result = await this.api.exportImage({
        photoId: photo.id,
        editId: this.viewingEditId,
        format: this.exportFormat,
        ...(lossy ? { quality: this.exportQuality } : {}),
      });

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
        // The masks now live with the edit (maskFile, sourceArea); start the next one from clean masks.
        this.#resetMasks(this.mask.mask.width, this.mask.mask.height);
        this.paintLayer = 'hole';
        this.editRedo = [];
        this.edits = [...this.edits.filter((e) => e.id !== event.edit.id), event.edit];
        this.viewingEditId = event.edit.id;
        this.notify('success', `Removed in ${(event.edit.durationMs / 1000).toFixed(1)} s (${this.appInfo?.engines.find((e) => e.id === event.edit.engine)?.label ?? event.edit.engine}).`);
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

