// What every app-level operation needs: the library (files + history DB), the worker pool and the
// preview cache. Opened once per process (desktop main, `renovo serve`, one CLI command).
import { JobRunner, type JobRunnerOptions } from '../jobs';
import { Library } from '../library';
import { PreviewCache } from './previews';

export interface AppContext {
  readonly libraryDir: string;
  readonly library: Library;
  readonly runner: JobRunner;
  readonly previews: PreviewCache;
  close(): Promise<void>;
}

export interface AppContextOptions {
  runner?: JobRunnerOptions;
}

export async function openAppContext(libraryDir: string, options: AppContextOptions = {}): Promise<AppContext> {
  const library = await Library.open(libraryDir);
  const runner = new JobRunner(options.runner);
  const previews = new PreviewCache(library);
  let closed = false;
  return {
    libraryDir,
    library,
    runner,
    previews,
    async close() {
      if (closed) return;
      closed = true;
      await runner.close();
      library.close();
    },
  };
}
