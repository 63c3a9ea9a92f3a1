// renovo history [PHOTO]
import { readHistory, recordedSavedAs, recordedSourceArea } from '../../core/app';
import { EXIT, UsageError, type ExitCode } from '../exit';
import { printJson, printLine } from '../output';
import type { CommandContext } from './context';

export async function historyCommand(ctx: CommandContext): Promise<ExitCode> {
  if (ctx.positionals.length > 1) throw new UsageError(`history: expected at most one PHOTO, got ${ctx.positionals.length}`);
  const photoPath = ctx.positionals[0];
  const history = await readHistory(ctx.libraryDir, photoPath);
  if (ctx.json) {
    printJson({ photos: history });
    return EXIT.OK;
  }
  if (history.length === 0) {
    printLine(photoPath ? `No history for ${photoPath} in ${ctx.libraryDir}` : `No photos in ${ctx.libraryDir} yet`);
    return EXIT.OK;
  }
  for (const { photo, edits } of history) {
    printLine(`Photo #${photo.id}  ${photo.path}  ${photo.width}×${photo.height} ${photo.format}`);
    if (edits.length === 0) printLine('  (no edits)');
    for (const e of edits) {
      const parent = e.parentId === null ? 'original' : `edit #${e.parentId}`;
      const source = recordedSourceArea(e.params);
      const sourceNote = source ? `  source area: ${source.mode} ${source.maskFile}` : '';
      // The file the user asked for; the library's content-addressed copy only when there is none (--json has both).
      const file = recordedSavedAs(e.params) ?? `(in the library: ${e.outputFile})`;
      printLine(`  #${e.id}  ${e.createdAt}  ${e.kind} ${e.engine}  on ${parent}  ${e.durationMs} ms  ${file}${sourceNote}`);
    }
  }
  return EXIT.OK;
}
