// Helpers for the e2e suite: start the built web bridge (`renovo serve`) as a child process and
// launch Debian's Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = process.cwd();
export const CHROMIUM = process.env.RENOVO_CHROMIUM ?? '/usr/bin/chromium';
export const OUT_DIR = join(ROOT, 'test-output', 'e2e');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What is missing for the e2e suite to run here, or null when everything is in place. */
export function missingPrerequisite(): string | null {
  if (!existsSync(CHROMIUM)) {
    return `${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium) or set RENOVO_CHROMIUM`;
  }
  return null;
}

export function assertBuilt(): void {
  for (const file of ['dist/cli/index.cjs', 'dist/worker/index.cjs', 'dist/renderer/index.html']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` before the e2e tests`);
  }
}

export interface Bridge {
  url: string;
  port: number;
  token: string;
  origin: string;
  output(): string;
  stop(): Promise<void>;
}

/** `node bin/renovo.cjs serve --port 0 --library <dir> --json`; resolves once it printed its address. */
export async function startBridge(libraryDir: string, timeoutMs = 60_000): Promise<Bridge> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'renovo.cjs'), 'serve', '--port', '0', '--library', libraryDir, '--json'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const info = await new Promise<{ url: string; port: number; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`renovo serve did not start in ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // --json prints one JSON document (possibly pretty-printed over several lines).
      const start = stdout.indexOf('{');
      const end = stdout.lastIndexOf('}');
      if (start < 0 || end < start) return;
      try {
        const parsed = JSON.parse(stdout.slice(start, end + 1)) as { url: string; port: number; token: string };
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        /* not complete yet */
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`renovo serve exited early (code ${code}):\n${stdout}\n${stderr}`));
    });
  });
  return {
    ...info,
    origin: new URL(info.url).origin,
    output: () => `${stdout}\n${stderr}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
