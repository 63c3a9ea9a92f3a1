// The task handlers a job worker runs, one per TaskKind. They run inside the worker thread.
import { inpaint } from '../inpaint';
import { runTrainTask } from '../train/task';
import type { TaskHandlers } from './tasks';

export const handlers: TaskHandlers = {
  async inpaint(input, ctx) {
    const result = await inpaint(input.image, input.mask, {
      engine: input.engine,
      blend: input.blend,
      seed: input.seed,
      signal: ctx.signal,
      onProgress: ctx.onProgress,
    });
    return { image: result.image, engine: result.engine, holes: result.holes };
  },
  train: (input, ctx) => runTrainTask(input, ctx),
};
