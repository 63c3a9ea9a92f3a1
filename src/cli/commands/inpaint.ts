// renovo inpaint PHOTO --mask MASK.png [...]
import { resolve } from 'node:path';
import { ApiError, BLEND_MODES, DEFAULT_MASK_DILATE_PX, ENGINE_IDS, MODEL_ENGINES, SOURCE_AREA_ENGINES, SOURCE_AREA_MODES } from '../../shared/api';
import { checkOutputPath, defaultOutputPath, inpaintFile, nextFreeOutputPath } from '../../core/app';
import { choiceOption, intOption, numberOption } from '../args';
import { onInterrupt } from '../interrupt';
import { EXIT, UsageError, classify, type ExitCode } from '../exit';
import { printJson, printLine } from '../output';
import { ProgressReporter } from '../progress';
import type { CommandContext } from './context';

export async function inpaintCommand(ctx: CommandContext): Promise<ExitCode> {
  const { values, positionals } = ctx;
  if (positionals.length === 0) throw new UsageError('inpaint: missing PHOTO (see renovo inpaint --help)');
  if (positionals.length > 1) throw new UsageError(`inpaint: expected one PHOTO, got ${positionals.length}: ${positionals.join(' ')}`);
  if (typeof values.mask !== 'string') throw new UsageError('inpaint: --mask MASK.png is required');
  const photoPath = resolve(positionals[0]);
  const maskPath = resolve(values.mask);
  const engine = choiceOption(values.engine, 'engine', ENGINE_IDS) ?? 'auto';
  const blend = choiceOption(values.blend, 'blend', BLEND_MODES) ?? 'normal';
  const dilate = intOption(values.dilate, 'dilate', 0, 64) ?? DEFAULT_MASK_DILATE_PX;
  const seed = intOption(values.seed, 'seed', 0, 2 ** 31 - 1);
  const ganFlags = ['lambda', 'iters', 'restarts', 'lr', 'refine', 'start'].filter((k) => values[k] !== undefined);
  if (engine !== 'gan-zopt' && ganFlags.length) throw new UsageError(`inpaint: --${ganFlags[0]} is only used with --engine gan-zopt`);
  const usesModel = MODEL_ENGINES.includes(engine);
  if (!usesModel && values.model !== undefined) throw new UsageError('inpaint: --model is only used with --engine gan-zopt or onnx');
  if (usesModel && typeof values.model !== 'string') {
    throw new UsageError(`inpaint: --engine ${engine} needs --model NAME (see renovo models${engine === 'onnx' ? '; import one with renovo models import FILE.onnx --kind inpainter' : ''})`);
  }
  const modelArg = typeof values.model === 'string' ? values.model : undefined;
  const gan = engine === 'gan-zopt'
    ? {
        lambda: numberOption(values.lambda, 'lambda', 0, 10),
        iterations: intOption(values.iters, 'iters', 1, 20_000),
        restarts: intOption(values.restarts, 'restarts', 1, 64),
        learningRate: numberOption(values.lr, 'lr', 1e-5, 1),
        refine: choiceOption(values.refine, 'refine', ['off', 'patchmatch'] as const),
        start: choiceOption(values.start, 'start', ['auto', 'encoder', 'cold'] as const),
      }
    : undefined;
  const sourceMaskPath = typeof values['source-mask'] === 'string' ? resolve(values['source-mask']) : undefined;
  const sourceMode = choiceOption(values['source-mode'], 'source-mode', SOURCE_AREA_MODES);
  if (sourceMode !== undefined && sourceMaskPath === undefined) throw new UsageError('inpaint: --source-mode is only used with --source-mask FILE');
  if (sourceMaskPath !== undefined && !SOURCE_AREA_ENGINES.includes(engine)) {
    throw new UsageError(`inpaint: --source-mask is used only by --engine auto or patchmatch, not by ${engine}`);
  }
  const overwrite = values.overwrite === true;
  // Without -o the output gets the next free name (like a desktop tool's "Save a copy"); -o FILE is
  // replaced only with --overwrite, which without -o means the plain `name-renovo.ext`.
  const outputPath = resolve(typeof values.output === 'string' ? values.output : overwrite ? defaultOutputPath(photoPath) : nextFreeOutputPath(photoPath));

  // Refused output paths are usage errors, reported before any work starts.
  try {
    checkOutputPath(outputPath, sourceMaskPath === undefined ? [photoPath, maskPath] : [photoPath, maskPath, sourceMaskPath], overwrite);
  } catch (e) {
    throw new UsageError(classify(e).message);
  }

  // Ctrl+C cancels the job (nothing is written); a second Ctrl+C exits at once.
  const controller = new AbortController();
  const offInterrupt = onInterrupt('Cancelling…', () => controller.abort());
  const progress = new ProgressReporter(process.stderr, 'Inpainting');
  try {
    const result = await inpaintFile({
      libraryDir: ctx.libraryDir,
      photoPath,
      maskPath,
      ...(sourceMaskPath === undefined ? {} : { sourceMaskPath, sourceMode: sourceMode ?? 'include' }),
      outputPath,
      overwrite,
      engine,
      blend,
      dilate,
      seed,
      ...(modelArg === undefined ? {} : /^\d+$/.test(modelArg) ? { modelId: Number(modelArg) } : { modelName: modelArg }),
      ...(gan ? { gan: Object.fromEntries(Object.entries(gan).filter(([, v]) => v !== undefined)) } : {}),
      signal: controller.signal,
      onProgress: (f, m) => progress.update(f, m),
    });
    progress.done();
    if (ctx.json) {
      printJson({
        editId: result.editId,
        photoId: result.photoId,
        outputPath: result.outputPath,
        engine: result.engine,
        durationMs: result.durationMs,
        seed: result.seed,
        ...(result.sourceArea ? { sourceArea: result.sourceArea } : {}),
        ...(result.model ? { model: result.model } : {}),
        ...(result.gan ? { gan: result.gan } : {}),
        ...(result.onnx ? { onnx: result.onnx } : {}),
      });
    } else {
      const m = result.model ? `, model ${result.model.name} v${result.model.version}${result.onnx ? ` on ${result.onnx.provider}` : ''}` : '';
      const src = result.sourceArea ? `, source area ${result.sourceArea.mode}` : '';
      printLine(`Wrote ${result.outputPath} (engine ${result.engine}${m}${src}, ${(result.durationMs / 1000).toFixed(1)} s, edit #${result.editId})`);
    }
    return EXIT.OK;
  } catch (e) {
    // An unknown --model is a wrong command line (the message lists the models).
    if (e instanceof ApiError && e.code === 'MODEL_NOT_FOUND') throw new UsageError(`--model: ${e.message}`);
    throw e;
  } finally {
    progress.done();
    offInterrupt();
  }
}
