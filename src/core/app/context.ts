// What every app-level operation needs: the library (files + history DB), the worker pool and the
// preview cache. Opened once per process (desktop main, `renovo serve`, one CLI command).
import { join } from 'node:path';
import { createAppRunner, type AppRunner, type AppRunnerOptions } from './workers';
import { findAppRoot } from '../platform/paths';
import { Library } from '../library';
import { PreviewCache } from './previews';

export interface AppContext {
  readonly libraryDir: string;
  readonly library: Library;
  readonly runner: AppRunner;
  readonly previews: PreviewCache;
  close(): Promise<void>;
}

export interface AppContextOptions {
  runner?: AppRunnerOptions;
}

/** The library alone (files + history DB), for one CLI command that needs no workers or previews. */
export function openLibrary(libraryDir: string): Library {
  return Library.open(libraryDir);
}

/** The built web UI (dist/renderer in the app's folder) that `renovo serve` hands to browsers. */
export function rendererDir(): string {
  return join(findAppRoot(), 'dist', 'renderer');
}

export async function openAppContext(libraryDir: string, options: AppContextOptions = {}): Promise<AppContext> {
  const library = await Library.open(libraryDir);
  const runner = createAppRunner(options.runner);
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
