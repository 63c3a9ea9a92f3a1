// The app's task handlers, one per kind of AppTasks (tasks.ts). They run inside a job worker.
import { readFile } from 'node:fs/promises';
import { inpaint } from '../../inpaint';
import type { GanModel } from '../../inpaint/gan';
import { loadOnnxInpainter } from '../../inpaint/imported/load';
import { decodeModelFile } from '../../train/modelfile';
import { loadEncoderSource, type EncoderSource } from '../../train/zencoder';
import { generatorDigest } from '../../nets/zencoder';
import { runTrainTask } from '../../train/task';
import type { TaskHandlers } from '../../jobs';
import type { AppTasks } from './tasks';

// Decoded model versions, by key, kept in this worker (the engine also caches their compiled
// sessions per worker), so repeated fills with one model read and compile it once.
const ganModels = new Map<string, Promise<GanModel>>();
function loadGanModel(key: string, file: string, encoder?: EncoderSource): Promise<GanModel> {
  let p = ganModels.get(key);
  if (!p) {
    p = readFile(file).then(async (b) => {
      const m = decodeModelFile(new Uint8Array(b), `model ${key}`);
      // an encoder serves this version only when it was trained against this very G (an older
      // version registered from the same shipped folder cold-starts, with the engine's notice);
      // a damaged encoder file must not block the fill: it cold-starts, and the report says why
      let enc: Awaited<ReturnType<typeof loadEncoderSource>> = null;
      let encoderProblem: string | undefined;
      if (encoder) {
        try {
          enc = await loadEncoderSource(encoder);
        } catch (e) {
          encoderProblem = e instanceof Error ? e.message : String(e);
        }
      }
      const model: GanModel = { id: key, spec: m.spec, weights: m.weights };
      if (enc && enc.generatorDigest === generatorDigest(m.weights)) model.encoder = enc;
      if (encoderProblem) model.encoderProblem = encoderProblem;
      return model;
    });
    p.catch(() => ganModels.delete(key));
    ganModels.set(key, p);
    while (ganModels.size > 2) ganModels.delete(ganModels.keys().next().value as string);
  }
  return p;
}

export const handlers: TaskHandlers<AppTasks> = {
  // One dispatch for every engine: inpaint() (inpaint/index.ts); the worker only loads the models.
  async inpaint(input, ctx) {
    const result = await inpaint(input.image, input.mask, {
      engine: input.engine,
      blend: input.blend,
      seed: input.seed,
      ...(input.sourceArea ? { sourceArea: input.sourceArea } : {}),
      ...(input.gan ? { gan: { ...input.gan.params, model: await loadGanModel(input.gan.key, input.gan.file, input.gan.encoder) } } : {}),
      ...(input.onnx ? { onnx: { model: await loadOnnxInpainter(input.onnx) } } : {}),
      signal: ctx.signal,
      onProgress: ctx.onProgress,
      onPreview: ctx.emit,
    });
    return { image: result.image, engine: result.engine, holes: result.holes, ...(result.gan ? { gan: result.gan } : {}), ...(result.onnx ? { onnx: result.onnx } : {}) };
  },
  train: (input, ctx) => runTrainTask(input, ctx),
};
