// The Remove settings: which engine fills the hole and its options (blending, mask growth, the GAN
// engine's model and optimiser, the imported model of engine 'onnx'), and the part of the
// startInpaint request they make.
import type { ApiInput, BlendMode, EngineChoice, ModelDto } from '../../../shared/contract';
import { DEFAULT_MASK_DILATE_PX } from '../../../shared/contract';
import { defaultGanModel } from '../model-choice';
import type { EditHistory } from './history.svelte';
import type { Library } from './library.svelte';

export type EngineRequest = Pick<ApiInput<'startInpaint'>, 'engine' | 'blend' | 'dilate' | 'modelId' | 'gan'>;

export class EngineSettings {
  choice = $state<EngineChoice>('auto');
  blend = $state<BlendMode>('normal');
  dilate = $state(DEFAULT_MASK_DILATE_PX);
  /** Engine 'gan-zopt': the model version (null: none chosen yet; the newest is picked) and its options. */
  ganModelId = $state<number | null>(null);
  ganLambda = $state(0.003);
  ganIterations = $state(1500);
  ganRestarts = $state(16);
  ganLearningRate = $state(0.03);
  /** Texture from the photo: the exemplar (PatchMatch) fill, a third of its shading from the GAN fill. */
  ganRefine = $state(false);
  /** A model with a z-encoder: run the full random-latent search instead of starting from the encoder's guess. */
  ganFullSearch = $state(false);
  /** Engine 'onnx': the imported inpainting model (null: none chosen yet; the newest is picked). */
  onnxModelId = $state<number | null>(null);

  constructor(
    private readonly library: Library,
    private readonly history: EditHistory,
  ) {}

  /** The model version the GAN engine will use: the chosen one, else the one last used on this photo or the newest. */
  get ganModel(): ModelDto | null {
    return this.library.generators.find((m) => m.id === this.ganModelId) ?? defaultGanModel(this.library.generators, this.history.edits);
  }

  /** Whether the GAN fill will run the full search, whose iterations and restarts the settings set (a model without a z-encoder, or asked for). */
  get ganSearchesFully(): boolean {
    return !this.ganModel?.encoder || this.ganFullSearch;
  }

  /** The imported model engine 'onnx' will use: the chosen one, else the newest imported. */
  get onnxModel(): ModelDto | null {
    return this.library.inpainters.find((m) => m.id === this.onnxModelId) ?? this.library.inpainters.at(-1) ?? null;
  }

  /** Why the chosen engine cannot run for lack of a model (null: it has what it needs). */
  get missingModel(): string | null {
    if (this.choice === 'gan-zopt' && !this.ganModel) return 'The semantic (GAN) engine needs a model: install or train one first.';
    if (this.choice === 'onnx' && !this.onnxModel) return 'The "Your model" engine needs an inpainting model: use Import model… first.';
    return null;
  }

  /** The engine and its options as startInpaint takes them. */
  request(): EngineRequest {
    const onnxModel = this.choice === 'onnx' ? this.onnxModel : null;
    const ganModel = this.choice === 'gan-zopt' ? this.ganModel : null;
    return {
      engine: this.choice,
      blend: this.blend,
      dilate: this.dilate,
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
              // with a z-encoder the search starts from its guess (≤ 100 iterations, 4 restarts) unless the full one is asked for
              ...(ganModel.encoder && this.ganFullSearch ? { start: 'cold' as const } : {}),
            },
          }
        : {}),
    };
  }
}
