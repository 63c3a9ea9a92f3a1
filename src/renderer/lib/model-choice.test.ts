import { describe, expect, it } from 'vitest';
import type { EditDto, ModelDto } from '../../shared/contract';
import { defaultGanModel, modelDomain } from './model-choice';

const model = (id: number, name: string, parentId: number | null = null, version = 1): ModelDto =>
  ({ id, name, version, architecture: 'dcgan64', source: 'shipped', kind: 'generator', summary: null, parentId, createdAt: '' });
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
  });
});
