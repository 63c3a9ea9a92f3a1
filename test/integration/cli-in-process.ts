// Runs `renovo --library DIR …` in this process (the CLI's main) and captures what it writes, for
// the command tests under src/cli. test/integration/cli-helpers.ts runs the built bin instead.
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
