// renovo train --data DIR [...]   and   renovo finetune --base MODEL --data DIR --steps N [...]
// Both run core/app's runTraining, with the base, architecture and name checks of the app's
// Fine-tune tab.
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import {
  DEFAULT_TRAINING_STEPS,
  defaultModelName,
  defaultRunDir,
  encoderOutcome,
  openLibrary,
  registerShippedModels,
  runTraining,
  trainingSpec,
  type GanHyper,
  type Library,
  type ModelVersionRow,
} from '../../core/app';
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

async function runSession(ctx: CommandContext, kind: 'train' | 'finetune'): Promise<ExitCode> {
  const v = ctx.values;
  if (ctx.positionals.length) throw new UsageError(`${kind}: unexpected argument '${ctx.positionals[0]}'`);
  if (typeof v.data !== 'string') throw new UsageError(`${kind}: --data DIR is required`);
  const dataDir = resolve(v.data);
  const hyper = hyperFromOptions(v);
  const crop = choiceOption(v.crop, 'crop', ['random', 'center'] as const);
  const threads = intOption(v.threads, 'threads', 1, 256) ?? Math.min(4, cpus().length);
  const checkpointEvery = intOption(v['checkpoint-every'], 'checkpoint-every', 1, 1e9);
  const spec =
    kind === 'train'
      ? trainingSpec({ arch: typeof v.arch === 'string' ? v.arch : undefined, ngf: intOption(v.ngf, 'ngf', 1, 1024), ndf: intOption(v.ndf, 'ndf', 1, 1024), nz: intOption(v.nz, 'nz', 1, 4096) })
      : undefined;
  const steps = intOption(v.steps, 'steps', 1, 1e9) ?? DEFAULT_TRAINING_STEPS[kind];
  if (kind === 'finetune' && typeof v.base !== 'string') throw new UsageError('finetune: --base MODEL is required');

  const library = openLibrary(ctx.libraryDir);
  // Every session (G, D, the training step) reports its provider; the user needs the line once.
  const providerLines = new Set<string>();
  const logProvider = (line: string): void => {
    if (providerLines.has(line)) return;
    providerLines.add(line);
    process.stderr.write(`${line}\n`);
  };
  const controller = new AbortController();
  const offInterrupt = onInterrupt('Stopping after this step and saving a checkpoint…', () => controller.abort(), ['SIGINT', 'SIGTERM']);
  const progress = new ProgressReporter(process.stderr, kind === 'train' ? 'Training' : 'Fine-tuning', undefined, { everyPercent: 2 });
  const loading = new ProgressReporter(process.stderr, 'Reading images');
  try {
    registerShippedModels(library);
    const base = typeof v.base === 'string' && kind === 'finetune' ? findModel(library, v.base) : undefined;
    const name = typeof v.name === 'string' ? v.name : defaultModelName(dataDir, base ? { base } : { spec: spec! });
    const runDir = typeof v['run-dir'] === 'string' ? resolve(v['run-dir']) : defaultRunDir(library, name);
    let first = -1;
    const res = await runTraining({
      library, name, dataDir, base, spec, hyper, steps, runDir, crop, checkpointEvery, threads,
      signal: controller.signal,
      command: `renovo ${process.argv.slice(2).join(' ')}`,
      onProviderLine: ctx.json ? undefined : logProvider,
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
      onEncoderProgress: (step, total, context) => progress.update(step / total, `adapting the z-encoder: step ${step}/${total}  loss ${context.toFixed(4)}`),
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
      if (base) printLine(`  encoder  ${encoderOutcome(model, res.encoderSkipped).note}`);
      printLine(`  losses   D ${loop.losses.lossD.toFixed(3)}  G ${loop.losses.lossG.toFixed(3)}`);
      printLine(`  samples  ${loop.samplePath}`);
      printLine(`  run      #${run.id}, checkpoints in ${runDir}`);
    }
    return EXIT.OK;
  } finally {
    progress.done();
    loading.done();
    offInterrupt();
    library.close();
  }
}

export const trainCommand = (ctx: CommandContext): Promise<ExitCode> => runSession(ctx, 'train');
export const finetuneCommand = (ctx: CommandContext): Promise<ExitCode> => runSession(ctx, 'finetune');
