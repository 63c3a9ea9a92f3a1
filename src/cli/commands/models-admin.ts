// renovo models [list] | show MODEL | export MODEL --output DIR | delete MODEL | import FILE.onnx --kind inpainter
import { resolve } from 'node:path';
import {
  CHANNEL_ORDERS,
  INPAINTER_PRESETS,
  MASK_POLARITIES,
  MASK_RANGES,
  OUTPUT_RANGES,
  VALUE_RANGES,
  deleteModelVersion,
  encoderStatus,
  exportModelVersion,
  importInpainter,
  modelKind,
  openLibrary,
  readShippedToolModels,
  registerShippedModels,
  type CustomConvention,
  type Library,
  type ModelVersionRow,
} from '../../core/app';
import { choiceOption, intOption } from '../args';
import { EXIT, UsageError, type ExitCode } from '../exit';
import { printJson, printLine } from '../output';
import type { CommandContext } from './context';
import { findModel } from './train';

export const MODELS_SUBCOMMANDS = ['list', 'show', 'export', 'delete', 'import'] as const;

const IMPORT_FLAGS = ['kind', 'preset', 'name', 'channels', 'image-range', 'mask-range', 'mask-polarity', 'output-range', 'max-side', 'multiple'];
const CUSTOM_FLAGS = IMPORT_FLAGS.slice(3);

const line = (m: ModelVersionRow): string => {
  const parent = m.parentId === null ? '' : `  from #${m.parentId}`;
  const steps = typeof m.metrics.steps === 'number' ? `  ${m.metrics.steps} steps` : '';
  const inpainter = modelKind(m) === 'inpainter' ? `  inpainter (${String(m.metrics.preset)}, from ${String(m.metrics.originalFileName)})` : '';
  return `#${m.id}  ${m.name} v${m.version}  ${m.architecture}  ${m.source}${inpainter}${parent}${steps}  ${m.createdAt}`;
};

/** --channels … --multiple as a custom convention (only with --preset custom). */
function customOptions(values: CommandContext['values']): CustomConvention {
  const c: CustomConvention = {
    channels: choiceOption(values.channels, 'channels', CHANNEL_ORDERS),
    imageRange: choiceOption(values['image-range'], 'image-range', VALUE_RANGES),
    maskRange: choiceOption(values['mask-range'], 'mask-range', MASK_RANGES),
    maskPolarity: choiceOption(values['mask-polarity'], 'mask-polarity', MASK_POLARITIES),
    outputRange: choiceOption(values['output-range'], 'output-range', OUTPUT_RANGES),
    maxSide: intOption(values['max-side'], 'max-side', 32, 4096),
    multiple: intOption(values.multiple, 'multiple', 1, 512),
  };
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as CustomConvention;
}

async function importCommand(ctx: CommandContext, library: Library, file: string): Promise<ExitCode> {
  const { values } = ctx;
  if (values.kind === undefined) throw new UsageError('models import: --kind inpainter is required (the kind of model the file is)');
  choiceOption(values.kind, 'kind', ['inpainter'] as const);
  const preset = choiceOption(values.preset, 'preset', INPAINTER_PRESETS) ?? 'auto';
  const custom = customOptions(values);
  const given = CUSTOM_FLAGS.filter((f) => values[f] !== undefined);
  if (preset !== 'custom' && given.length) throw new UsageError(`models import: --${given[0]} describes a custom signature; use it with --preset custom`);
  const name = typeof values.name === 'string' ? values.name : undefined;
  const row = await importInpainter(library, { source: { path: resolve(file) }, preset, custom, name });
  if (ctx.json) printJson({ model: row, file: library.resolve(row.file) });
  else {
    printLine(`imported ${row.name} v${row.version} (#${row.id}) from ${String(row.metrics.originalFileName)}`);
    printLine(`  ${String(row.metrics.summary)}`);
    printLine(`  use it with: renovo inpaint PHOTO --mask MASK --engine onnx --model ${row.name}`);
  }
  return EXIT.OK;
}

export async function modelsAdmin(ctx: CommandContext): Promise<ExitCode> {
  const [sub = 'list', ref, ...rest] = ctx.positionals;
  if (rest.length) throw new UsageError(`models ${sub}: unexpected argument '${rest[0]}'`);
  if (!(MODELS_SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`models: unknown subcommand '${sub}' (use ${MODELS_SUBCOMMANDS.join(', ')})`);
  if (sub === 'import' && !ref) throw new UsageError('models import: missing FILE.onnx');
  if (sub !== 'list' && !ref) throw new UsageError(`models ${sub}: missing MODEL (name, name@version or #id)`);
  const importFlag = IMPORT_FLAGS.find((f) => ctx.values[f] !== undefined);
  if (sub !== 'import' && importFlag) throw new UsageError(`models ${sub}: --${importFlag} is only used by models import`);
  if (sub === 'list' && ref) throw new UsageError(`models list: unexpected argument '${ref}'`);
  const library = openLibrary(ctx.libraryDir);
  try {
    // The shipped models (models/ next to the app, or $RENOVO_MODELS_DIR) are registered first, as
    // the desktop app and `renovo serve` do on start, so every command sees the same versions.
    registerShippedModels(library);
    const { models, trainingRuns } = library.store;
    if (sub === 'import') return await importCommand(ctx, library, ref as string);
    if (sub === 'list') {
      const all = models.list();
      // shipped tools (the damage detector) are not library versions: listed after them
      const tools = readShippedToolModels();
      if (ctx.json) printJson(tools.length ? { models: all, shippedTools: tools } : { models: all });
      else if (all.length === 0 && tools.length === 0) printLine('No models in the library yet.');
      else {
        for (const m of all) printLine(line(m));
        for (const t of tools) printLine(`-   ${t.name}  ${t.arch}  shipped ${t.kind}${t.steps === null ? '' : `  ${t.steps} steps`}  ${t.createdAt}`);
      }
      return EXIT.OK;
    }
    const row = findModel(library, ref as string);
    if (sub === 'show') {
      const lineage = models.lineage(row.id);
      const runs = trainingRuns.list().filter((r) => r.resultModelId === row.id);
      if (ctx.json) {
        printJson({ model: row, lineage, trainingRuns: runs, file: library.resolve(row.file) });
        return EXIT.OK;
      }
      printLine(line(row));
      printLine(`  file      ${library.resolve(row.file)}  (sha256 ${row.sha256})`);
      printLine(`  lineage   ${lineage.map((m) => `${m.name} v${m.version} (#${m.id}, ${m.source})`).join(' <- ')}`);
      if (modelKind(row) === 'inpainter') {
        printLine(`  imported  from ${String(row.metrics.originalFileName)} (${String(row.metrics.byteSize)} bytes)`);
        printLine(`  signature ${String(row.metrics.summary)}`);
        const d = row.metrics.declared as { inputs?: string[]; outputs?: string[] } | undefined;
        if (d) printLine(`  declares  inputs ${d.inputs?.join(', ')}; outputs ${d.outputs?.join(', ')}`);
      }
      const ds = row.metrics.dataset as { path?: string; imageCount?: number; contentHash?: string } | undefined;
      if (ds) printLine(`  data      ${ds.path} (${ds.imageCount} images, hash ${String(ds.contentHash).slice(0, 16)}…)`);
      if (typeof row.metrics.description === 'string') printLine(`  samples   ${row.metrics.description}`);
      if (typeof row.metrics.sample === 'string') printLine(`  grid      ${library.resolve(row.metrics.sample)}`);
      if (typeof row.metrics.wallMs === 'number') printLine(`  time      ${(row.metrics.wallMs / 60000).toFixed(1)} min, ${String(row.metrics.steps)} steps`);
      if (modelKind(row) === 'generator') printLine(`  encoder   ${await encoderStatus(library, row)}`);
      for (const r of runs) printLine(`  run #${r.id}  ${r.kind}  ${r.status}  ${r.steps} steps  ${r.startedAt}`);
      return EXIT.OK;
    }
    if (sub === 'export') {
      if (typeof ctx.values.output !== 'string') throw new UsageError('models export: --output DIR is required');
      const out = await exportModelVersion(library, row, resolve(ctx.values.output));
      if (ctx.json) printJson(out);
      else {
        printLine(`exported ${row.name} v${row.version} to ${out.dir}`);
        for (const [f, e] of Object.entries(out.files)) printLine(`  ${f}  ${e.bytes} bytes  ${e.sha256}`);
      }
      return EXIT.OK;
    }
    deleteModelVersion(library, row);
    if (ctx.json) printJson({ deleted: row });
    else printLine(`deleted ${row.name} v${row.version} (#${row.id})${row.source === 'shipped' ? ' (shipped: it is registered again on the next start)' : ''}`);
    return EXIT.OK;
  } finally {
    library.close();
  }
}
