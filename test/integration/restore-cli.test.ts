// `renovo restore IN_DIR OUT_DIR` end to end (the built CLI): mirrored outputs, a bad file reported
// and skipped, report files, the input folder untouched, a second run redoes nothing, Ctrl+C stops
// cleanly and the next run continues, exit statuses for bad folders.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, scanJpeg } from '../fixtures/restore';
import { BIN, CLI_BUNDLE, ROOT, ensureBuilt } from './build';
import { runCli } from './cli-helpers';

let work: string;
let n = 0;
const fresh = (name: string): string => join(work, `${name}-${++n}`);

/** The CLI bundle must know `restore`; a bundle older than this command is rebuilt (atomically). */
async function ensureRestoreBundle(): Promise<void> {
  await ensureBuilt();
  if (readFileSync(CLI_BUNDLE, 'utf8').includes('--detector must be')) return;
  const tmp = `${CLI_BUNDLE}.${process.pid}.tmp`;
  await build({ bundle: true, platform: 'node', format: 'cjs', packages: 'external', target: 'node20', logLevel: 'warning', entryPoints: [join(ROOT, 'src/cli/index.ts')], outfile: tmp });
  renameSync(tmp, CLI_BUNDLE);
}

/** 2 good scans (one nested, one PNG) with drawn scratches + one truncated JPEG. */
async function makeInput(dir: string, good = 2, size: [number, number] = [160, 120]): Promise<string[]> {
  await mkdir(join(dir, 'album'), { recursive: true });
  const rels: string[] = [];
  for (let i = 0; i < good; i++) {
    const jpeg = await scanJpeg(i + 1, size[0], size[1]);
    const rel = i % 2 === 0 ? `scan ${i}.jpg` : `album/scan ${i}.png`;
    await writeFile(join(dir, ...rel.split('/')), i % 2 === 0 ? jpeg : await sharp(jpeg).png().toBuffer());
    rels.push(rel);
  }
  const full = await scanJpeg(42, size[0], size[1]);
  await writeFile(join(dir, 'broken.jpg'), full.subarray(0, Math.floor(full.length / 3)));
  await writeFile(join(dir, 'notes.txt'), 'not a photo\n');
  return rels;
}

interface Summary {
  status: string;
  resumed: boolean;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  processedThisRun: number;
  errors: Array<{ relPath: string; error: string }>;
  report: { html: string; json: string } | null;
}

beforeAll(async () => {
  await ensureRestoreBundle();
  work = await mkdtemp(join(tmpdir(), 'renovo-restore-cli-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('renovo restore', () => {
  it('restores a folder, mirrors it, reports the bad file, leaves the input unchanged, and does not redo', async () => {
    const input = fresh('in');
    const output = fresh('out');
    const lib = fresh('lib');
    const good = await makeInput(input);
    const before = await hashTree(input);

    const r = await runCli(['restore', input, output, '--library', lib, '--suffix', '_r', '--sensitivity', '0.6', '--workers', '2'], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(1); // one file failed: the others were restored, the status says so
    expect(r.stderr).toMatch(/1 of 3 files could not be restored/);
    expect(r.stdout).toMatch(/Restored 2 of 3 files/);
    expect(r.stdout).toMatch(/failed {3}broken\.jpg/);
    expect(r.stderr).toMatch(/Restoring: 100%/);
    expect(r.stderr).toMatch(/skipped broken\.jpg/);
    for (const rel of good) {
      const out = join(output, rel.replace(/\.(jpg|png)$/, '_r.$1'));
      expect(existsSync(out), out).toBe(true);
      const meta = await sharp(out).metadata();
      expect([meta.width, meta.height]).toEqual([160, 120]);
    }
    expect(existsSync(join(output, 'broken_r.jpg'))).toBe(false);
    expect(existsSync(join(output, '_renovo_report', 'index.html'))).toBe(true);
    const report = JSON.parse(readFileSync(join(output, '_renovo_report', 'report.json'), 'utf8')) as { items: Array<{ relPath: string; status: string }> };
    expect(report.items.map((i) => [i.relPath, i.status]).sort()).toEqual([['album/scan 1.png', 'done'], ['broken.jpg', 'error'], ['scan 0.jpg', 'done']]);
    expect(await hashTree(input)).toEqual(before);

    const outputsBefore = await hashTree(output);
    const again = await runCli(['restore', input, output, '--library', lib, '--suffix', '_r', '--json'], { timeoutMs: 90_000 });
    expect(again.code, again.stderr).toBe(1); // broken.jpg fails again
    const s = JSON.parse(again.stdout) as Summary;
    expect(s.status).toBe('done');
    expect(s.done).toBe(0);
    expect(s.skipped).toBe(2); // existing outputs are never redone (nor overwritten)
    expect(s.errors.map((e) => e.relPath)).toEqual(['broken.jpg']);
    const outputsAfter = await hashTree(output);
    for (const rel of good) {
      const k = rel.replace(/\.(jpg|png)$/, '_r.$1');
      expect(outputsAfter[k]).toBe(outputsBefore[k]);
    }
    expect(await hashTree(input)).toEqual(before);
  });

  it('Ctrl+C stops cleanly (exit 130) and the same command continues without redoing files', async () => {
    const input = fresh('in');
    const output = fresh('out');
    const lib = fresh('lib');
    await makeInput(input, 8, [480, 360]);
    const child = spawn(process.execPath, [BIN, 'restore', input, output, '--library', lib, '--workers', '1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // interrupt once the first file is finished
      if (!sent && /\b[1-9]\/9 files/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((res) => child.on('close', res));
    if (code === 1) return; // the machine finished all files (one broken) before the signal arrived: nothing to resume
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/run the same command again to continue/);
    const r = await runCli(['restore', input, output, '--library', lib, '--workers', '2', '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1); // the broken file
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.resumed).toBe(true);
    expect(s.total).toBe(9);
    expect(s.done).toBe(8);
    expect(s.failed).toBe(1);
    expect(s.processedThisRun).toBeLessThan(9);
    expect(s.report).not.toBeNull();
  });

  it('--detector learned runs the learned detector and is kept with the batch', async () => {
    const input = fresh('in');
    const output = fresh('out');
    await makeInput(input, 1);
    const r = await runCli(['restore', input, output, '--library', fresh('lib'), '--detector', 'learned', '--json'], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(1); // broken.jpg fails, the scan is restored
    const s = JSON.parse(r.stdout) as Summary & { options: { detector?: string } };
    expect(s.done).toBe(1);
    expect(s.options.detector).toBe('learned');
    const report = readFileSync(join(output, '_renovo_report', 'report.json'), 'utf8');
    expect(report).toMatch(/"detector":\s*"learned"/);
    expect(report).not.toMatch(/"detector":\s*"classical"/);
  });

  it('refuses bad folders with the documented exit statuses', async () => {
    const input = fresh('in');
    await makeInput(input, 1);
    const missing = await runCli(['restore', join(work, 'does-not-exist'), fresh('out'), '--library', fresh('lib')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/input folder not found/);
    const nested = await runCli(['restore', input, join(input, 'out'), '--library', fresh('lib')]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/inside the input folder/);
    const empty = fresh('empty');
    await mkdir(empty);
    const none = await runCli(['restore', empty, fresh('out'), '--library', fresh('lib'), '--json']);
    expect(none.code).toBe(3);
    expect(JSON.parse(none.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const file = join(work, 'a-file.txt');
    await writeFile(file, 'x');
    const notDir = await runCli(['restore', input, file, '--library', fresh('lib')]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(/is not a folder/);
    const usage = await runCli(['restore', input]);
    expect(usage.code).toBe(2);
    const help = await runCli(['restore', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/--detector D\s+damage detector: learned \(default/);
    const badDetector = await runCli(['restore', input, fresh('out'), '--library', fresh('lib'), '--detector', 'neural']);
    expect(badDetector.code).toBe(2);
    expect(badDetector.stderr).toMatch(/--detector must be 'classical' or 'learned', got 'neural'/);
    expect(existsSync(join(input, 'out'))).toBe(false);
  });
});
