// Markdown tables from a bench/zopt run: node bench/zopt/report.mjs bench/out/zopt.json
import { readFileSync } from 'node:fs';

const run = JSON.parse(readFileSync(process.argv[2] ?? 'bench/out/zopt.json', 'utf8'));
const engines = ['telea', 'patchmatch', 'gan-zopt', 'gan-zopt+refine'].filter((e) => run.rows.some((r) => r[e]));
const cell = (v) => (v ? `${v.psnr.toFixed(2)} / ${v.ssim.toFixed(3)}` : '—');
console.log(`| image | set | mask | ${engines.join(' | ')} |`);
console.log(`|---|---|---|${engines.map(() => '---').join('|')}|`);
for (const r of run.rows) console.log(`| ${r.image} | ${r.set} | ${r.mask} | ${engines.map((e) => cell(r[e])).join(' | ')} |`);
for (const set of [...new Set(run.rows.map((r) => r.set))]) {
  const rows = run.rows.filter((r) => r.set === set);
  const mean = (e, k) => rows.reduce((s, r) => s + r[e][k], 0) / rows.length;
  console.log(`| **mean, ${set}** (${rows.length}) | | | ${engines.map((e) => `${mean(e, 'psnr').toFixed(2)} / ${mean(e, 'ssim').toFixed(3)}`).join(' | ')} |`);
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
for (const e of ['gan-zopt', 'gan-zopt+refine']) {
  const ms = run.rows.filter((r) => r[e]).map((r) => r[e].ms);
  if (!ms.length) continue;
  const its = run.rows.filter((r) => r[e]).map((r) => r[e].itPerSec);
  console.log(`\n${e}: ${ms.length} holes, wall time median ${(median(ms) / 1000).toFixed(1)} s (range ${(Math.min(...ms) / 1000).toFixed(1)}–${(Math.max(...ms) / 1000).toFixed(1)} s), ${median(its).toFixed(1)} it/s median`);
}
const wins = (a, b) => run.rows.filter((r) => r[a] && r[b] && r[a].psnr > r[b].psnr).length;
if (engines.includes('gan-zopt+refine')) console.log(`refine beats plain gan-zopt in PSNR on ${wins('gan-zopt+refine', 'gan-zopt')}/${run.rows.length} holes; gan-zopt+refine beats PatchMatch on ${wins('gan-zopt+refine', 'patchmatch')}, fast marching on ${wins('gan-zopt+refine', 'telea')}`);
