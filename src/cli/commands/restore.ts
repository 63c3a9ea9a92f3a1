// renovo restore IN_DIR OUT_DIR [--sensitivity X --denoise --tears --workers N --overwrite --suffix S
//   --detector classical|learned]
// Batch restoration of a folder of scans through core/app's restoreFolder, the path the app's Batch
// tab takes. Resumable: Ctrl+C stops cleanly and running the same command again continues where it
// stopped.
import { resolve } from 'node:path';
import { ApiError } from '../../shared/api';
import { batchOptions, checkBatchRequest, openLibrary, restoreFolder, type BatchRequestOptions, type BatchSummary } from '../../core/app';
import { intOption, numberOption } from '../args';
import { onInterrupt } from '../interrupt';
import { EXIT, UsageError, type ExitCode } from '../exit';
import { printError, printJson, printLine } from '../output';
import { ProgressReporter } from '../progress';
import type { CommandContext } from './context';

/** Denoise strength used by the `--denoise` switch (0..1; see core/restore/tone.ts). */
export const DENOISE_STRENGTH = 0.5;

export async function restoreCommand(ctx: CommandContext): Promise<ExitCode> {
  const { values: v, positionals } = ctx;
  if (positionals.length < 2) throw new UsageError('restore: expected IN_DIR and OUT_DIR (see renovo restore --help)');
  if (positionals.length > 2) throw new UsageError(`restore: unexpected argument '${positionals[2]}'`);
  const inputDir = resolve(positionals[0]);
  const outputDir = resolve(positionals[1]);
  const options: BatchRequestOptions = {
    sensitivity: numberOption(v.sensitivity, 'sensitivity', 0, 1) ?? 0.5,
    denoise: v.denoise === true ? (numberOption(v['denoise-strength'], 'denoise-strength', 0, 1) ?? DENOISE_STRENGTH) : 0,
    detectTears: v.tears === true,
    tone: v['no-tone'] !== true,
    overwrite: v.overwrite === true,
    suffix: typeof v.suffix === 'string' ? v.suffix : '',
    quality: intOption(v.quality, 'quality', 1, 100),
  };
  if (v['denoise-strength'] !== undefined && v.denoise !== true) throw new UsageError('--denoise-strength needs --denoise');
  const wideModel = typeof v['wide-model'] === 'string' ? v['wide-model'] : undefined;
  if (wideModel !== undefined && v.tears !== true) throw new UsageError('--wide-model fills the wide damage that --tears finds; add --tears');
  if (wideModel !== undefined) options.wideModel = /^\d+$/.test(wideModel) ? { modelId: Number(wideModel) } : { modelName: wideModel };
  const workers = intOption(v.workers, 'workers', 1, 64);
  if (v.detector !== undefined) {
    if (v.detector !== 'classical' && v.detector !== 'learned') throw new UsageError(`--detector must be 'classical' or 'learned', got '${String(v.detector)}'`);
    options.detector = v.detector;
  }

  // Bad folders are reported before anything is created (no library, no output folder).
  const folders = await checkBatchRequest({ inputDir, outputDir, options });

  const controller = new AbortController();
  const offInterrupt = onInterrupt('Stopping… files in progress are dropped; run the same command again to continue.', () => controller.abort());
  const progress = new ProgressReporter(process.stderr, 'Restoring');
  const library = openLibrary(ctx.libraryDir);
  let summary: BatchSummary;
  try {
    let resolved;
    try {
      resolved = batchOptions(library, options);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'MODEL_NOT_FOUND') throw new UsageError(`--wide-model: ${e.message}`);
      throw e;
    }
    summary = await restoreFolder(library.store, folders, resolved, {
      workers,
      signal: controller.signal,
      onProgress: (p) => {
        const finished = p.done + p.failed + p.skipped;
        const cur = p.current.length > 0 ? p.current.map((c) => c.relPath).join(', ') : '';
        // the batch's own ETA: files done in this run only (a resumed batch starts part-way)
        progress.update(p.fraction, `${finished}/${p.total} files${p.failed ? ` (${p.failed} failed)` : ''}  ${cur}`, p.etaMs);
      },
      onItem: (e) => {
        if (e.status === 'error' && !ctx.json) {
          progress.done();
          printError(`skipped ${e.relPath}: ${e.error ?? 'error'}`);
        }
      },
    });
  } finally {
    progress.done();
    offInterrupt();
    library.close();
  }

  if (ctx.json) printJson(summary);
  if (summary.status === 'cancelled') {
    printError(`cancelled after ${summary.done + summary.failed + summary.skipped}/${summary.total} files; run the same command again to continue`);
    return EXIT.CANCELLED;
  }
  if (!ctx.json) {
    const secs = (summary.durationMs / 1000).toFixed(1);
    printLine(
      `Restored ${summary.done} of ${summary.total} files into ${summary.outputDir} in ${secs} s` +
        `${summary.failed ? `, ${summary.failed} failed` : ''}${summary.skipped ? `, ${summary.skipped} skipped (already there; --overwrite replaces them)` : ''}` +
        `${summary.resumed ? ` (continued an interrupted batch; ${summary.processedThisRun} this run)` : ''}`,
    );
    for (const err of summary.errors) printLine(`  failed   ${err.relPath}: ${err.error}`);
    if (summary.ignored.length > 0) printLine(`  ignored  ${summary.ignored.length} non-image file(s), e.g. ${summary.ignored[0].relPath} (${summary.ignored[0].reason})`);
    if (summary.report) printLine(`  report   ${summary.report.html}`);
  }
  if (summary.failed > 0) {
    // The rest were restored; the status says not everything was.
    printError(`${summary.failed} of ${summary.total} files could not be restored (listed above${summary.report ? ' and in the report' : ''})`);
    return EXIT.FAILURE;
  }
  return EXIT.OK;
}
