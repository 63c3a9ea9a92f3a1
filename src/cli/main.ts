// The `renovo` command: parse, dispatch, map failures to exit statuses. index.ts runs it and gives
// it the adapters the CLI does not import itself (the web bridge for `renovo serve`).
import { APP_VERSION, defaultLibraryDir } from '../core/app';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandLine, type Command } from './args';
import { historyCommand } from './commands/history';
import { inpaintCommand } from './commands/inpaint';
import { modelsCommand } from './commands/models';
import { serveCommand } from './commands/serve';
import { finetuneCommand, trainCommand } from './commands/train';
import { restoreCommand } from './commands/restore';
import type { CommandContext, StartWebBridge } from './commands/context';
import { EXIT, UsageError, classify, type ExitCode } from './exit';
import { HELP } from './help';
import { printError, printJson, printLine } from './output';

const RUN: Record<Command, (ctx: CommandContext) => Promise<ExitCode>> = {
  inpaint: inpaintCommand,
  history: historyCommand,
  models: modelsCommand,
  serve: serveCommand,
  train: trainCommand,
  finetune: finetuneCommand,
  restore: restoreCommand,
};

/** What the binary's entry point plugs in; without it `renovo serve` reports that it is missing. */
export interface CliAdapters {
  startServer?: StartWebBridge;
}

export async function main(argv: string[], adapters: CliAdapters = {}): Promise<ExitCode> {
  let json = argv.includes('--json');
  try {
    const parsed = parseCommandLine(argv);
    json = parsed.values.json === true;
    if (parsed.values.version) {
      printLine(json ? JSON.stringify({ version: APP_VERSION }) : `renovo ${APP_VERSION}`);
      return EXIT.OK;
    }
    if (parsed.values.help) {
      printLine(HELP[parsed.command ?? 'main']);
      return EXIT.OK;
    }
    if (!parsed.command) {
      process.stderr.write(`${HELP.main}\n\n`);
      throw new UsageError('missing command');
    }
    const library = typeof parsed.values.library === 'string' ? parsed.values.library : process.env.RENOVO_LIBRARY;
    const libraryDir = resolve(library && library.length > 0 ? library : defaultLibraryDir());
    if (statSync(libraryDir, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new UsageError(`--library ${libraryDir} is a file, not a folder; give the library's folder (it is created if needed)`);
    }
    return await RUN[parsed.command]({
      values: parsed.values,
      positionals: parsed.positionals,
      json,
      libraryDir,
      startServer: adapters.startServer,
    });
  } catch (e) {
    const r = classify(e);
    if (r.exit === EXIT.CANCELLED) printError('cancelled; nothing was written');
    else printError(r.message + (r.exit === EXIT.USAGE ? ' (see renovo --help)' : ''));
    if (json) printJson({ error: { code: r.code, message: r.message } });
    return r.exit;
  }
}
