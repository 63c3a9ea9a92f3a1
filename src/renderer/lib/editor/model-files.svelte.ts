// "Import model…" and "Delete model…" in the engine picker: the user's own ONNX inpainting models,
// copied into the library (with the I/O convention they are read with) and deleted from it.
import type { InpainterPresetId, ModelDto, RenovoApi } from '../../../shared/contract';
import { describeError } from '../api/errors';
import { choiceAfterDelete, modelLabel } from '../model-choice';
import type { EngineSettings } from './engine.svelte';
import type { Library } from './library.svelte';
import type { Notices } from './notices.svelte';

/** The web bridge takes request bodies up to 256 MiB (LaMa fp32 is 208 MB); larger models: the CLI. */
const MAX_MODEL_UPLOAD_BYTES = 250 * 2 ** 20;

/** The pixel convention of a custom import, as the editor's form sets it. */
export interface ImportCustom {
  channels: 'rgb' | 'bgr';
  imageRange: '0-1' | '0-255' | '-1-1';
  maskPolarity: 'hole-high' | 'hole-low';
  outputRange: '0-1' | '0-255' | '-1-1' | 'auto';
}

export class ModelFiles {
  /** The I/O convention the next file is imported with. */
  preset = $state<InpainterPresetId | 'auto'>('auto');
  custom = $state<ImportCustom>({ channels: 'rgb', imageRange: '0-1', maskPolarity: 'hole-high', outputRange: 'auto' });
  importing = $state(false);
  /** The imported model being deleted (the button waits for the app's answer). */
  deletingId = $state<number | null>(null);

  constructor(
    private readonly api: RenovoApi,
    private readonly notices: Notices,
    private readonly library: Library,
    private readonly engine: EngineSettings,
    /** True while a removal runs (it may be using the model). */
    private readonly locked: () => boolean,
  ) {}

  /**
   * Checks and copies a user's ONNX inpainting model into the library; on success it becomes the
   * 'onnx' engine's model. Refusals (wrong shapes, not ONNX, cut off, already imported) are shown
   * as the app words them.
   */
  async import(file: File): Promise<ModelDto | null> {
    if (this.importing) return null;
    if (file.size > MAX_MODEL_UPLOAD_BYTES) {
      this.notices.notify('error', `${file.name} is ${Math.round(file.size / 2 ** 20)} MB; the editor imports models up to ${MAX_MODEL_UPLOAD_BYTES / 2 ** 20} MB (use renovo models import for larger files)`);
      return null;
    }
    this.importing = true;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const custom = this.preset === 'custom' ? { custom: { ...this.custom } } : {};
      const model = await this.api.importModel({ fileName: file.name, bytes, kind: 'inpainter', preset: this.preset, ...custom });
      await this.library.refreshModels();
      this.engine.onnxModelId = model.id;
      this.engine.choice = 'onnx';
      this.notices.notify('success', `Imported ${model.name} v${model.version} (${model.summary ?? model.architecture}).`);
      return model;
    } catch (error) {
      this.notices.notify('error', `The model was not imported: ${describeError(error)}`);
      return null;
    } finally {
      this.importing = false;
    }
  }

  /**
   * Removes an imported inpainting model from the library (its file too). The list is read again;
   * the "Your model" engine falls back to Auto if it was using it. A refusal (e.g. a running batch
   * fills wide damage with it) is shown as the app words it.
   */
  async delete(model: ModelDto): Promise<boolean> {
    if (this.deletingId !== null || this.locked()) return false;
    this.deletingId = model.id;
    try {
      await this.api.deleteModel({ modelId: model.id });
      const engine = this.engine;
      const next = choiceAfterDelete({ engine: engine.choice, onnxModelId: engine.onnxModelId }, engine.onnxModel?.id ?? null, model.id);
      const fellBack = next.engine !== engine.choice;
      engine.choice = next.engine;
      engine.onnxModelId = next.onnxModelId;
      this.notices.notify('success', `Deleted ${modelLabel(model)}${fellBack ? '; the engine is Auto again' : ''}.`);
      return true;
    } catch (error) {
      this.notices.notify('error', `${modelLabel(model)} was not deleted: ${describeError(error)}`);
      return false;
    } finally {
      // read again either way: a refusal for a model already gone should drop it from the pickers
      try {
        await this.library.refreshModels();
      } catch (error) {
        this.notices.notify('error', `Could not read the model list: ${describeError(error)}`);
      }
      this.deletingId = null;
    }
  }
}
