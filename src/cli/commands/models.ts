// renovo models
import { readModels } from '../../core/app';
import { EXIT, UsageError, type ExitCode } from '../exit';
import { printJson, printLine } from '../output';
import type { CommandContext } from './context';
import { modelsAdmin } from './models-admin';

export async function modelsCommand(ctx: CommandContext): Promise<ExitCode> {
  if (ctx.positionals.length > 0 || ctx.values.output !== undefined) return modelsAdmin(ctx);
  const models = await readModels(ctx.libraryDir);
  if (ctx.json) {
    printJson({ models });
    return EXIT.OK;
  }
  if (models.length === 0) {
    printLine('No models in the library yet.');
    return EXIT.OK;
  }
  for (const m of models) {
    const parent = m.parentId === null ? '' : `  from #${m.parentId}`;
    printLine(`#${m.id}  ${m.name} v${m.version}  ${m.architecture}  ${m.source}${parent}  ${m.createdAt}`);
  }
  return EXIT.OK;
}
