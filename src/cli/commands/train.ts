// renovo train --data DIR [...]   and   renovo finetune --base MODEL --data DIR --steps N [...]
import { modelKind } from '../../core/app/inpainters';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../../shared/api';
import { registerShippedModels } from '../../core/app/models';
import { Library } from '../../core/library';
import { dcganSpec, resolutionOfArch } from '../../core/nets/dcgan';
import { FINETUNE_STEPS, TrainControl, runTrainingSession } from '../../core/train/session';
import type { GanHyper } from '../../core/train/gan';
import type { ModelVersionRow } from '../../core/store';
import { choiceOption, intOption, numberOption } from '../args';
import { onInterrupt } from '../interrupt';
import { EXIT, UsageError, type ExitCode } from '../exit';
import { printError, printJson, printLine } from '../output';
import { ProgressReporter } from '../progress';
import type { CommandContext } from './context';
export { TRAIN_OPTIONS } from './train-options';

function hyperFromOptions(v: CommandContext['values']): Partial<GanHyper> {
  const h: Partial<GanHyper> = {
    batch: intOption(v.batch, 'batch', 2, 1024),
    lrD: numberOption(v['lr-d'], 'lr-d', 1e-7, 1),
    lrG: numberOption(v['lr-g'], 'lr-g', 1e-7, 1),
    beta1D: numberOption(v['beta1-d'], 'beta1-d', 0, 0.999),
    beta1G: numberOption(v['beta1-g'], 'beta1-g', 0, 0.999),
    dSteps: intOption(v['d-steps'], 'd-steps', 1, 1000),
    gSteps: intOption(v['g-steps'], 'g-steps', 1, 1000),
    labelSmoothing: numberOption(v['label-smoothing'], 'label-smoothing', 0, 0.49),
    seed: intOption(v.seed, 'seed', 0, 2 ** 31 - 1),
  };
  return Object.fromEntries(Object.entries(h).filter(([, x]) => x !== undefined)) as Partial<GanHyper>;
}

/** 'name' (latest version), 'name@3' (version 3) or '#12' (id 12). */
export function findModel(library: Library, ref: string): ModelVersionRow {
  const { models } = library.store;
  let row: ModelVersionRow | undefined;
  const byId = /^#(\d+)$/.exec(ref);
  const byVersion = /^(.+)@(\d+)$/.exec(ref);
  if (byId) row = models.get(Number(byId[1]));
  else if (byVersion) row = models.findByName(byVersion[1], Number(byVersion[2]));
  else row = models.findByName(ref);
  if (!row) {
    const names = [...new Set(models.list().map((m) => m.name))];
    throw new UsageError(`no model '${ref}' in the library${names.length ? ` (models: ${names.join(', ')})` : ' (it has no models yet)'}`);
  }
  return row;
}

const stamp = (): string => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

async function runSession(ctx: CommandContext, kind: 'train' | 'finetune'): Promise<ExitCode> {
  const v = ctx.values;
  if (ctx.positionals.length) throw new UsageError(`${kind}: unexpected argument '${ctx.positionals[0]}'`);
  if (typeof v.data !== 'string') throw new UsageError(`${kind}: --data DIR is required`);
  const dataDir = resolve(v.data);
  const hyper = hyperFromOptions(v);
  const crop = choiceOption(v.crop, 'crop', ['random', 'center'] as const);
  const threads = intOption(v.threads, 'threads', 1, 256) ?? Math.min(4, cpus().length);
  const checkpointEvery = intOption(v['checkpoint-every'], 'checkpoint-every', 1, 1e9);
  let spec = undefined;
  if (kind === 'train') {
    const arch = typeof v.arch === 'string' ? v.arch : 'dcgan64';
    let resolution;
    try {
      resolution = resolutionOfArch(arch);
    } catch (e) {
      throw new UsageError(`--arch: ${(e as Error).message}`);
    }
    spec = dcganSpec({ resolution, ngf: intOption(v.ngf, 'ngf', 1, 1024) ?? 64, ndf: intOption(v.ndf, 'ndf', 1, 1024) ?? 64, nz: intOption(v.nz, 'nz', 1, 4096) ?? 100 });
  }
  const steps = intOption(v.steps, 'steps', 1, 1e9) ?? (kind === 'train' ? 5000 : FINETUNE_STEPS);

  const library = Library.open(ctx.libraryDir);
  // One line on stderr saying which execution provider onnxruntime uses and why.
  // Loaded lazily: onnxruntime-node, once loaded, keeps Node's SIGINT handlers from running, which
  // would break Ctrl+C in every other command (renovo inpaint's cancel test).
  const { Runtime } = await import('../../core/onnx/runtime');
  // Every session (G, D, the training step) reports its provider; the user needs the line once.
  const providerLines = new Set<string>();
  const logProvider = (line: string): void => {
    if (providerLines.has(line)) return;
    providerLines.add(line);
    process.stderr.write(`${line}\n`);
  };
  const runtime = new Runtime({ threads, spin: false, log: ctx.json ? undefined : logProvider });
  const control = new TrainControl();
  const offInterrupt = onInterrupt('Stopping after this step and saving a checkpoint…', () => control.cancel(), ['SIGINT', 'SIGTERM']);
  const progress = new ProgressReporter(process.stderr, kind === 'train' ? 'Training' : 'Fine-tuning', undefined, { everyPercent: 2 });
  const loading = new ProgressReporter(process.stderr, 'Reading images');
  try {
    registerShippedModels(library);
    const base = kind === 'finetune' ? findModel(library, typeof v.base === 'string' ? v.base : (() => { throw new UsageError('finetune: --base MODEL is required'); })()) : undefined;
    if (base && modelKind(base) !== 'generator') throw new UsageError(`finetune: --base ${base.name} is an imported inpainting model; only GAN generators can be fine-tuned`);
    const name = typeof v.name === 'string' ? v.name : base ? `${base.name}-${dataDir.split(/[\\/]/).filter(Boolean).pop() ?? 'tuned'}` : `${spec!.arch}-${dataDir.split(/[\\/]/).filter(Boolean).pop() ?? 'model'}`;
    const runDir = resolve(typeof v['run-dir'] === 'string' ? v['run-dir'] : join(ctx.libraryDir, 'training-runs', `${name}-${stamp()}`));
    let first = -1;
    const res = await runTrainingSession({
      library, runtime, name, dataDir, base, spec, hyper, steps, runDir, crop, checkpointEvery, control,
      command: `renovo ${process.argv.slice(2).join(' ')}`,
      onWarning: (m) => printError(`warning: ${m}`),
      onDatasetProgress: (d, t) => loading.update(d / t, `${d}/${t}`),
      onProgress: (p) => {
        if (first < 0) {
          loading.done();
          first = p.step;
        }
        const f = p.totalSteps > first ? (p.step - first) / (p.totalSteps - first) : 1;
        const losses = Number.isFinite(p.lossD) ? `  D ${p.lossD.toFixed(3)}  G ${p.lossG.toFixed(3)}` : '';
        progress.update(f, `step ${p.step}/${p.totalSteps}  epoch ${p.epoch}${losses}  ${p.imagesPerSec.toFixed(1)} img/s`);
      },
    });
    progress.done();
    const { run, model, loop } = res;
    if (ctx.json) printJson({ run, model, checkpoint: loop.checkpointPath, sample: loop.samplePath });
    if (!model) {
      printError(`cancelled at step ${loop.step}/${steps}; checkpoint kept in ${loop.checkpointPath}`);
      printError(`continue with the same command plus --run-dir ${runDir}`);
      return EXIT.CANCELLED;
    }
    if (!ctx.json) {
      printLine(`${model.name} v${model.version} (#${model.id}): ${model.architecture}, ${loop.step} steps${loop.resumedFrom ? ` (continued from ${loop.resumedFrom})` : ''}, ${(loop.elapsedMs / 1000).toFixed(0)} s`);
      printLine(`  data     ${run.datasetPath} (${run.imageCount} images)`);
      if (base) printLine(`  base     ${base.name} v${base.version} (#${base.id})`);
      printLine(`  losses   D ${loop.losses.lossD.toFixed(3)}  G ${loop.losses.lossG.toFixed(3)}`);
      printLine(`  samples  ${loop.samplePath}`);
      printLine(`  run      #${run.id}, checkpoints in ${runDir}`);
    }
    return EXIT.OK;
  } catch (e) {
    progress.done();
    loading.done();
    if (e instanceof Error && e.name === 'DatasetError') throw new ApiError('INVALID_INPUT', e.message);
    throw e;
  } finally {
    offInterrupt();
    await runtime.release();
    library.close();
  }
}

export const trainCommand = (ctx: CommandContext): Promise<ExitCode> => runSession(ctx, 'train');
export const finetuneCommand = (ctx: CommandContext): Promise<ExitCode> => runSession(ctx, 'finetune');
