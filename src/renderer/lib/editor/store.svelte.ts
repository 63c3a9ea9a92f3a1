// The editor's state (Svelte 5 runes), provided to components through context. Each concern is its
// own small store (library, history, masks, tools, overlay, engine settings, model files, removal,
// export, notices, display); this one holds them together and runs what spans several of them:
// opening a photo, undo/redo across masks and edits, reusing an edit's masks, the working image.
// Big immutable things (DTO lists, decoded images) use $state.raw: they are replaced, never mutated.
import { getContext, setContext } from 'svelte';
import type { EditDto, PhotoDto, RenovoApi } from '../../../shared/contract';
import { describeError } from '../api/errors';
import { contrastingOverlay, samplesUnderMask } from '../overlay-contrast';
import type { WorkingImage } from '../region';
import { ViewState } from '../view.svelte';
import { DisplayOptions } from './display.svelte';
import { EngineSettings } from './engine.svelte';
import { Exporter } from './exporter.svelte';
import { EditHistory } from './history.svelte';
import { Library, decodeLocalPreview } from './library.svelte';
import { MaskLayers } from './masks.svelte';
import { ModelFiles } from './model-files.svelte';
import { Notices } from './notices.svelte';
import { OverlaySettings } from './overlay-settings.svelte';
import { readEditMask, WorkingImages } from './pixels';
import { Removal } from './removal.svelte';
import { ToolSettings } from './tools.svelte';

const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

export class EditorStore {
  readonly api: RenovoApi;
  readonly notices = new Notices();
  readonly display = new DisplayOptions();
  readonly view = new ViewState();
  readonly tools = new ToolSettings();
  readonly overlay = new OverlaySettings();
  readonly library: Library;
  readonly history: EditHistory;
  readonly masks: MaskLayers;
  readonly engine: EngineSettings;
  readonly modelFiles: ModelFiles;
  readonly removal: Removal;
  readonly exporter: Exporter;

  readonly #working: WorkingImages;
  #importSeq = 0;

  constructor(api: RenovoApi) {
    this.api = api;
    const locked = () => this.removal.job !== null;
    this.library = new Library(api);
    this.history = new EditHistory(api, this.notices, this.library, locked);
    this.masks = new MaskLayers(locked, () => this.library.photo !== null);
    this.engine = new EngineSettings(this.library, this.history);
    this.modelFiles = new ModelFiles(api, this.notices, this.library, this.engine, locked);
    this.removal = new Removal(api, this.notices, this.library, this.history, this.masks, this.engine);
    this.exporter = new Exporter(api, this.notices, this.library, this.history);
    this.#working = new WorkingImages(api);
  }

  async init(): Promise<void> {
    try {
      await this.library.load();
    } catch (error) {
      this.notices.notify('error', `Could not connect to Renovo: ${describeError(error)}`);
    }
  }

  dispose(): void {
    this.removal.dispose();
  }

  async importFile(file: File): Promise<void> {
    const { notices, library } = this;
    if (notices.busy || this.removal.job) {
      notices.notify('info', `${file.name} was not opened: wait until ${this.removal.job ? 'the removal' : 'the current operation'} finishes.`);
      return;
    }
    if (file.size > MAX_IMPORT_BYTES) {
      notices.notify('error', `${file.name} is too large to import (${Math.round(file.size / 1048576)} MB).`);
      return;
    }
    notices.busy = `Importing ${file.name}…`;
    performance.mark('renovo:open', { detail: file.name });
    const seq = ++this.#importSeq;
    // Decode a preview in the page while the bytes upload, and show it at once.
    void decodeLocalPreview(file).then((preview) => {
      if (!preview) return;
      if (seq !== this.#importSeq || notices.busy === null) {
        preview.bitmap.close();
        return;
      }
      library.setLocalPreview(preview);
      if (!library.photo || library.photo.name !== file.name) {
        // A new photo is on its way: show it now, full resolution follows from the library.
        library.photo = null;
        this.history.clear();
        this.view.setImage(preview.width, preview.height);
      }
    });
    try {
      await this.openPhoto(await library.importPhoto(file));
    } catch (error) {
      library.setLocalPreview(null);
      notices.notify('error', `Could not import ${file.name}: ${describeError(error)}`);
    } finally {
      notices.busy = null;
    }
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

  async openPhoto(photo: PhotoDto): Promise<void> {
    performance.mark('renovo:open-photo', { detail: photo.id });
    const { library } = this;
    const local = library.localPreview;
    if (local && (local.width !== photo.width || local.height !== photo.height || this.notices.busy === null)) library.setLocalPreview(null);
    library.photo = photo;
    this.history.clear();
    this.engine.ganModelId = null; // the picker falls back to the model last used on this photo
    this.display.compare = 'off';
    this.masks.reset(photo.width, photo.height);
    this.view.setImage(photo.width, photo.height);
    this.tools.fitBrushTo(photo.width, photo.height);
    await this.history.refresh();
  }

  /** Undo takes back mask steps first, then steps back through the edits. */
  get canUndo(): boolean {
    return this.masks.canUndo || this.history.viewingEditId !== null;
  }

  get canRedo(): boolean {
    return this.masks.canRedo || this.history.redoStack.length > 0;
  }

  /** Undo a mask step (hole or source area, most recent first); with none left, step back to the parent edit. */
  undo(): void {
    if (this.removal.job) return;
    if (!this.masks.undo()) this.history.stepBack();
  }

  redo(): void {
    if (this.removal.job) return;
    if (!this.masks.redo()) this.history.stepForward();
  }

  /**
   * Load the masks stored with an edit back into the editor (e.g. to retry with another engine):
   * the hole, and the source area with its mode when the edit had one.
   */
  async loadEditMask(edit: EditDto): Promise<void> {
    const photo = this.library.photo;
    if (!photo || !edit.maskFile || this.removal.job) return;
    const label = this.history.label(edit.id);
    try {
      const hole = await readEditMask(this.api, edit.id, 'hole', photo);
      const source = edit.sourceArea ? await readEditMask(this.api, edit.id, 'source', photo) : null;
      if (this.library.photo?.id !== photo.id) return;
      this.masks.fill(this.masks.hole, hole, `Mask of edit ${label}`);
      if (source && edit.sourceArea) {
        this.masks.fill(this.masks.source, source, `Source area of edit ${label}`);
        this.masks.sourceMode = edit.sourceArea.mode;
      }
      this.notices.notify('info', `Loaded the mask${source ? ' and source area' : ''} of edit ${label}.`);
    } catch (error) {
      this.notices.notify('error', `Could not load the mask of edit ${label}: ${describeError(error)}`);
    }
  }

  /**
   * RGBA pixels of what is on stage (original or edit), downscaled to at most `maxSide`, for the
   * object tool and the automatic overlay colour; null without a photo.
   */
  async workingImage(maxSide = 1024): Promise<WorkingImage | null> {
    const photo = this.library.photo;
    return photo ? this.#working.get(photo.id, this.history.viewingEditId, maxSide) : null;
  }

  /** Re-picks the automatic overlay colour from the pixels under the current hole mask. */
  async updateAutoOverlay(): Promise<void> {
    const photo = this.library.photo;
    if (!this.overlay.auto || !photo) return;
    const img = await this.workingImage().catch(() => null);
    if (!img || this.library.photo?.id !== photo.id) return;
    const hole = this.masks.hole;
    this.overlay.autoColour = contrastingOverlay(samplesUnderMask(img, hole.empty ? null : hole.mask));
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
