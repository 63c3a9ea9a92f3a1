// Which GAN model the editor offers first, and what each one is for (issue 15.12): the model last
// used on this photo, else the base photo model — never simply the newest (often a style model).
import type { EditDto, EngineChoice, ModelDto } from '../../shared/contract';

/** The shipped models' domains; anything else inherits its shipped ancestor's, or is the user's own. */
const SHIPPED_DOMAINS: Record<string, string> = {
  'landscape-dcgan64': 'photos: landscapes',
  'landscape-dcgan128': 'photos: landscapes, 128 px',
  'faces-dcgan64': 'photos: faces',
  'faces-dcgan128': 'photos: faces, 128 px',
  'monet-dcgan64': 'paintings: Monet style',
  'monet-dcgan128': 'paintings: Monet style, 128 px',
};
// the 128-px model: on 24 held-out landscapes its fills score 16.91 dB against the 64-px model's
// 16.09 (median; better on 18 of 24) at about 3 s a hole warm-started (BENCHMARKS.md, issue 17)
export const BASE_PHOTO_MODEL = 'landscape-dcgan128';

export function modelDomain(model: ModelDto, models: ModelDto[]): string {
  const byId = new Map(models.map((m) => [m.id, m]));
  let cur: ModelDto | undefined = model;
  for (let depth = 0; cur && depth < 32; depth++) {
    const domain = SHIPPED_DOMAINS[cur.name];
    if (domain) return cur === model ? domain : `${domain}, tuned as ${model.name}`;
    cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
  }
  return 'your own training';
}

export function defaultGanModel(models: ModelDto[], edits: EditDto[]): ModelDto | null {
  const ids = new Set(models.map((m) => m.id));
  const lastUsed = [...edits].sort((a, b) => b.id - a.id).find((e) => e.modelVersionId !== null && ids.has(e.modelVersionId));
  if (lastUsed) return models.find((m) => m.id === lastUsed.modelVersionId) ?? null;
  const base = models.filter((m) => m.name === BASE_PHOTO_MODEL).sort((a, b) => b.version - a.version)[0];
  return base ?? models[0] ?? null;
}

/** How an imported inpainter is named in pickers, notices and summaries. */
export function modelLabel(model: Pick<ModelDto, 'name' | 'version'>): string {
  return `${model.name} v${model.version}`;
}

/**
 * The editor's engine choice once an imported inpainter is deleted: forget it if it was picked, and
 * fall back to Auto when the "Your model" engine was using it (another model is not silently swapped in).
 */
export function choiceAfterDelete(
  choice: { engine: EngineChoice; onnxModelId: number | null },
  inUseId: number | null,
  deletedId: number,
): { engine: EngineChoice; onnxModelId: number | null } {
  return {
    engine: choice.engine === 'onnx' && inUseId === deletedId ? 'auto' : choice.engine,
    onnxModelId: choice.onnxModelId === deletedId ? null : choice.onnxModelId,
  };
}

/** The Batch tab's wide-damage model: the chosen imported inpainter while it exists, else PatchMatch (null). */
export function wideModelChoice(inpainters: ModelDto[], chosenId: number | null): ModelDto | null {
  return chosenId === null ? null : (inpainters.find((m) => m.id === chosenId && m.kind === 'inpainter') ?? null);
}

/** "name vN" of the imported model a batch filled wide damage with (its stored options), or null for PatchMatch. */
export function batchWideModel(options: Record<string, unknown> | null | undefined): string | null {
  const wide = options?.wideModel;
  if (typeof wide !== 'object' || wide === null) return null;
  const { name, version } = wide as { name?: unknown; version?: unknown };
  if (typeof name !== 'string') return null;
  return typeof version === 'number' ? modelLabel({ name, version }) : name;
}
