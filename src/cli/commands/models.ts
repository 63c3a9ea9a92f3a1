// renovo models [list|show|export|delete]: plain `renovo models` is `renovo models list`.
import type { ExitCode } from '../exit';
import type { CommandContext } from './context';
import { modelsAdmin } from './models-admin';

export function modelsCommand(ctx: CommandContext): Promise<ExitCode> {
  return modelsAdmin(ctx);
}
