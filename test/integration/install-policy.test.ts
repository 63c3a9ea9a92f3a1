// Install-time policy (issue 15.1-15.3): onnxruntime-node's CUDA download is skipped through npm's
// allowScripts (no deprecated project config in .npmrc), the engines field matches what the
// dependencies declare, and `npm start` says what to do without the Electron binary.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './build';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string; npm: string };
  allowScripts: Record<string, boolean>;
  scripts: Record<string, string>;
};
// A proxy nobody listens on: onnxruntime-node's downloader (global-agent) would fail through it.
const DEAD_PROXY = { GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9', GLOBAL_AGENT_HTTP_PROXY: 'http://127.0.0.1:9' };

function npm(args: string[], env: Record<string, string> = {}) {
  return spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
}

describe('install policy', () => {
  it('keeps no project-only npm config that npm warns about', () => {
    const npmrc = join(ROOT, '.npmrc');
    if (existsSync(npmrc)) expect(readFileSync(npmrc, 'utf8')).not.toMatch(/onnxruntime-node-install/);
    const r = npm(['config', 'get', 'fund']);
    expect(r.stderr).not.toMatch(/Unknown project config/);
  });

  it('denies onnxruntime-node its install script, so no install contacts the CUDA download host', () => {
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    const r = npm(['rebuild', 'onnxruntime-node', '--foreground-scripts'], DEAD_PROXY);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/install\.js|Downloading|onnxruntime.*cuda/i);
  });

  it('the probe is real: with the script allowed the same rebuild tries the download and fails', () => {
    const r = npm(['rebuild', 'onnxruntime-node', '--foreground-scripts', '--dangerously-allow-all-scripts'], { ...DEAD_PROXY, ONNXRUNTIME_NODE_INSTALL: 'cuda12' });
    expect(r.status).not.toBe(0);
  });

  it('engines states both supported Node lines and the npm that honours allowScripts', () => {
    expect(pkg.engines.node).toBe('^20.19.0 || >=22.12.0');
    expect(pkg.engines.npm).toMatch(/^>=11\./);
  });

  it('npm start explains the browser fallback when the Electron binary is missing', () => {
    expect(pkg.scripts.start).toContain('scripts/start.mjs');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(ROOT, 'no-such-electron') }, timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('npm run serve');
    expect(r.stderr).toContain('RENOVO_ELECTRON_REBUILD=1 npm install');
  });
});
