// renovo serve [--port N] [--host H]
import { rendererDir } from '../../core/app';
import { intOption } from '../args';
import { EXIT, UsageError, type ExitCode } from '../exit';
import { printJson, printLine } from '../output';
import type { CommandContext } from './context';

export async function serveCommand(ctx: CommandContext): Promise<ExitCode> {
  if (ctx.positionals.length > 0) throw new UsageError(`serve: unexpected argument '${ctx.positionals[0]}'`);
  const port = intOption(ctx.values.port, 'port', 0, 65535) ?? 0;
  const host = typeof ctx.values.host === 'string' ? ctx.values.host : '127.0.0.1';
  if (host.length === 0) throw new UsageError('--host must not be empty');
  if (!ctx.startServer) throw new Error('serve: this build of the renovo command has no web bridge');
  const server = await ctx.startServer({
    libraryDir: ctx.libraryDir,
    host,
    port,
    rendererDir: rendererDir(),
  });
  if (ctx.json) printJson({ url: server.url, port: server.port, token: server.token });
  else printLine(`Renovo is serving at ${server.url}`);

  // Serve until interrupted, then shut down cleanly (jobs cancelled, database closed).
  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return EXIT.OK;
}
