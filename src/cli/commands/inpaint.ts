// renovo inpaint PHOTO --mask MASK.png [...]
import { resolve } from 'node:path';
import { BLEND_MODES, ENGINE_IDS } from '../../shared/api';
import { checkOutputPath, defaultOutputPath, inpaintFile } from '../../core/app';
import { choiceOption, intOption } from '../args';
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
  const dilate = intOption(values.dilate, 'dilate', 0, 64) ?? 2;
  const seed = intOption(values.seed, 'seed', 0, 2 ** 31 - 1);
  const overwrite = values.overwrite === true;
  const outputPath = resolve(typeof values.output === 'string' ? values.output : defaultOutputPath(photoPath));

  // Refused output paths are usage errors, reported before any work starts.
  try {
    checkOutputPath(outputPath, [photoPath, maskPath], overwrite);
  } catch (e) {
    throw new UsageError(classify(e).message);
  }

  // Ctrl+C cancels the job (nothing is written); a second Ctrl+C exits at once.
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.CANCELLED);
    process.stderr.write('\nCancelling… (Ctrl+C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = new ProgressReporter(process.stderr, 'Inpainting');
  try {
    const result = await inpaintFile({
      libraryDir: ctx.libraryDir,
      photoPath,
      maskPath,
      outputPath,
      overwrite,
      engine,
      blend,
      dilate,
      seed,
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
      });
    } else {
      printLine(`Wrote ${result.outputPath} (engine ${result.engine}, ${(result.durationMs / 1000).toFixed(1)} s, edit #${result.editId})`);
    }
    return EXIT.OK;
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
  }
}
