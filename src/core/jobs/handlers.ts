// The task handlers a job worker runs, one per TaskKind. They run inside the worker thread.
import { readFile } from 'node:fs/promises';
import { inpaint, InpaintError } from '../inpaint';
import { ganInpaint, type GanModel } from '../inpaint/gan';
import { loadOnnxInpainter } from '../inpaint/imported/load';
import { decodeModelFile } from '../train/modelfile';
import { runTrainTask } from '../train/task';
import type { TaskHandlers } from './tasks';

// Decoded model versions, by key, kept in this worker (the engine also caches their compiled
// sessions per worker), so repeated fills with one model read and compile it once.
const ganModels = new Map<string, Promise<GanModel>>();
function loadGanModel(key: string, file: string): Promise<GanModel> {
  let p = ganModels.get(key);
  if (!p) {
    p = readFile(file).then((b) => {
      const m = decodeModelFile(new Uint8Array(b), `model ${key}`);
      return { id: key, spec: m.spec, weights: m.weights };
    });
    p.catch(() => ganModels.delete(key));
    ganModels.set(key, p);
    while (ganModels.size > 2) ganModels.delete(ganModels.keys().next().value as string);
  }
  return p;
}

export const handlers: TaskHandlers = {
  async inpaint(input, ctx) {
    if (input.engine === 'gan-zopt') {
      if (!input.gan) throw new InpaintError('NO_MODEL', "inpaint: engine 'gan-zopt' needs a model");
      if (input.sourceArea) throw new InpaintError('SOURCE_MASK_ENGINE', "inpaint: engine 'gan-zopt' does not use a source area");
      const r = await ganInpaint(input.image, input.mask, {
        ...input.gan.params,
        model: await loadGanModel(input.gan.key, input.gan.file),
        blend: input.blend,
        seed: input.seed,
        signal: ctx.signal,
        onProgress: ctx.onProgress,
      });
      return { image: r.image, engine: r.engine, holes: r.holes, gan: { params: r.params, provider: r.provider, reports: r.reports } };
    }
    if (input.engine === 'onnx' && !input.onnx) throw new InpaintError('NO_MODEL', "inpaint: engine 'onnx' needs an imported model");
    const result = await inpaint(input.image, input.mask, {
      engine: input.engine,
      blend: input.blend,
      seed: input.seed,
      ...(input.sourceArea ? { sourceArea: input.sourceArea } : {}),
      ...(input.onnx ? { onnx: { model: await loadOnnxInpainter(input.onnx) } } : {}),
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    });
    return { image: result.image, engine: result.engine, holes: result.holes, ...(result.onnx ? { onnx: result.onnx } : {}) };
  },
  train: (input, ctx) => runTrainTask(input, ctx),
};
