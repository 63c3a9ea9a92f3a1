// Runs `renovo --library DIR …` in this process (the CLI's main) and captures what it writes, for
// the command tests under src/cli. test/integration/cli-helpers.ts runs the built bin instead.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export interface MainResult {
  code: number;
  out: string;
  err: string;
}

export async function runMain(libraryDir: string, ...args: string[]): Promise<MainResult> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(['--library', libraryDir, ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** A command test's temporary folder: `run` works on the library `dir/lib`, with no shipped models. */
export interface CliTestDir {
  dir: string;
  run: (...args: string[]) => Promise<MainResult>;
  /** removes the folder and restores the models folder setting */
  remove(): Promise<void>;
}

export async function cliTestDir(prefix: string): Promise<CliTestDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  process.env.RENOVO_MODELS_DIR = join(dir, 'no-shipped-models');
  return {
    dir,
    run: (...args) => runMain(join(dir, 'lib'), ...args),
    remove: async () => {
      delete process.env.RENOVO_MODELS_DIR;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
