import { describe, expect, it } from 'vitest';
import type { EditDto, ModelDto } from '../../shared/contract';
import { batchWideModel, choiceAfterDelete, defaultGanModel, modelDomain, modelLabel, wideModelChoice } from './model-choice';

const model = (id: number, name: string, parentId: number | null = null, version = 1): ModelDto =>
  ({ id, name, version, architecture: 'dcgan64', source: 'shipped', kind: 'generator', summary: null, encoder: true, parentId, createdAt: '' });
const edit = (id: number, modelVersionId: number | null): EditDto => ({ id, modelVersionId } as unknown as EditDto);

describe('GAN model choice (issue 15.12)', () => {
  const models = [model(1, 'landscape-dcgan64'), model(2, 'faces-dcgan64'), model(3, 'monet-dcgan64', 1), model(4, 'monet-dcgan64-garden', 3)];

  it('defaults to the base photo model, not the newest', () => {
    expect(defaultGanModel(models, [])?.name).toBe('landscape-dcgan64');
    expect(defaultGanModel(models, [edit(5, null)])?.name).toBe('landscape-dcgan64');
  });

  it('prefers the model last used on this photo', () => {
    expect(defaultGanModel(models, [edit(5, 2), edit(9, 3), edit(7, 1)])?.id).toBe(3);
  });

  it('says which domain each model is for, following its lineage', () => {
    expect(modelDomain(models[0]!, models)).toBe('photos: landscapes');
    expect(modelDomain(models[2]!, models)).toBe('paintings: Monet style');
    expect(modelDomain(models[3]!, models)).toBe('paintings: Monet style, tuned as monet-dcgan64-garden');
    expect(modelDomain(model(8, 'mine'), models)).toBe('your own training');
    const m128 = [model(10, 'landscape-dcgan128'), model(11, 'monet-dcgan128', 10), model(12, 'faces-dcgan128')];
    expect(m128.map((m) => modelDomain(m, m128))).toEqual(['photos: landscapes, 128 px', 'paintings: Monet style, 128 px', 'photos: faces, 128 px']);
  });
});

describe('imported inpainters: deleting one, and the batch\'s wide-damage model (issue 18)', () => {
  const inpainter = (id: number, name: string, version = 1): ModelDto => ({ ...model(id, name, null, version), kind: 'inpainter', source: 'imported', architecture: 'onnx-inpainter' } as ModelDto);
  const lama = inpainter(7, 'big-lama');
  const migan = inpainter(8, 'migan', 2);

  it('names a model "name vN"', () => {
    expect(modelLabel(migan)).toBe('migan v2');
  });

  it('falls back to Auto only when the "Your model" engine was using the deleted model', () => {
    expect(choiceAfterDelete({ engine: 'onnx', onnxModelId: 7 }, 7, 7)).toEqual({ engine: 'auto', onnxModelId: null });
    // none picked: the newest was in use
    expect(choiceAfterDelete({ engine: 'onnx', onnxModelId: null }, 7, 7)).toEqual({ engine: 'auto', onnxModelId: null });
    // another model in use: kept
    expect(choiceAfterDelete({ engine: 'onnx', onnxModelId: 8 }, 8, 7)).toEqual({ engine: 'onnx', onnxModelId: 8 });
    // another engine: kept, the stale pick forgotten
    expect(choiceAfterDelete({ engine: 'patchmatch', onnxModelId: 7 }, 7, 7)).toEqual({ engine: 'patchmatch', onnxModelId: null });
  });

  it('uses the chosen inpainter while it exists, else PatchMatch', () => {
    expect(wideModelChoice([lama, migan], 8)).toBe(migan);
    expect(wideModelChoice([lama, migan], null)).toBeNull();
    expect(wideModelChoice([lama], 8)).toBeNull(); // deleted since it was chosen
    expect(wideModelChoice([model(1, 'landscape-dcgan64')], 1)).toBeNull(); // a GAN generator cannot fill tears
  });

  it('reads the model a batch ran with from its stored options', () => {
    expect(batchWideModel({ sensitivity: 0.5, wideModel: { id: 7, name: 'big-lama', version: 1, sha256: 'x', file: '/f', signature: {} } })).toBe('big-lama v1');
    expect(batchWideModel({ wideModel: { name: 'big-lama' } })).toBe('big-lama');
    expect(batchWideModel({ sensitivity: 0.5 })).toBeNull();
    expect(batchWideModel({ wideModel: 'nonsense' })).toBeNull();
    expect(batchWideModel(null)).toBeNull();
  });
});
