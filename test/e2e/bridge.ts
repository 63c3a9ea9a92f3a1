// Helpers for the e2e suite: start the built web bridge (`renovo serve`) as a child process and
// launch Debian's Chromium through playwright-core; `describeE2e` and `startSession` give each test
// file all of it in a few lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { describe } from 'vitest';

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
      new Promise<void>((resolve, reject) => {
        // a server that died by a signal during the suite (a native crash: SIGABRT, SIGSEGV) has no
        // exit code and will not exit again: fail the suite with its output instead of hanging
        if (child.signalCode !== null) return reject(new Error(`renovo serve died with ${child.signalCode} during the tests:\n${stderr.slice(-2000)}`));
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

/** A describe block that is skipped, with a warning saying why, where Chromium is missing. */
export function describeE2e(title: string, body: () => void): void {
  const missing = missingPrerequisite();
  if (missing) console.warn(`[e2e] skipping "${title}": ${missing}`);
  describe.skipIf(missing !== null)(title, body);
}

export interface E2eSession {
  /** A fresh temporary folder for fixtures; the library is its "library" folder. */
  workDir: string;
  libraryDir: string;
  bridge: Bridge;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What went wrong in the page: page errors, console errors, CSP and worker complaints. */
  problems: string[];
  /** The problems, less failed loads with a 4xx status (the browser's favicon probe, refused API calls). */
  unexpectedProblems(): string[];
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Writes fixtures into the work folder (and may fill the library with the CLI) before the bridge starts. */
  prepare?: (workDir: string, libraryDir: string) => Promise<void>;
  /** Over the defaults: a 1360 × 860 viewport at device pixel ratio 1. */
  context?: BrowserContextOptions;
}

/** A work folder, `renovo serve` on a library in it and a Chromium page, for one test file. */
export async function startSession(name: string, options: SessionOptions = {}): Promise<E2eSession> {
  assertBuilt();
  await mkdir(OUT_DIR, { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), `renovo-e2e-${name}-`));
  const libraryDir = join(workDir, 'library');
  let bridge: Bridge | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => {});
    try {
      await bridge?.stop();
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  };
  try {
    await options.prepare?.(workDir, libraryDir);
    bridge = await startBridge(libraryDir);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1, ...options.context });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy|Worker/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    const unexpectedProblems = () => problems.filter((text) => !/status of 4\d\d/.test(text));
    return { workDir, libraryDir, bridge, browser, context, page, problems, unexpectedProblems, close };
  } catch (error) {
    await close();
    throw error;
  }
}
