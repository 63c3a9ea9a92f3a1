// Batch report: a self-contained HTML contact sheet (before / after / damage overlay thumbnails,
// stored as files in the report folder and linked relatively) and a JSON twin for tools.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../image/files';
import type { BatchItemRow } from '../store/types';
import type { RestoreStats } from './pipeline';

/** Folder (inside the output folder) holding the report, thumbnails and per-item records. */
export const REPORT_DIR = '_renovo_report';

export interface ItemRecord {
  width: number;
  height: number;
  format: string;
  durationMs: number;
  stats: RestoreStats;
  thumbs: boolean;
}

interface SummaryLike {
  batchId: number;
  status: string;
  inputDir: string;
  outputDir: string;
  options: object;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  durationMs: number;
  imagesPerMinute: number | null;
  ignored: Array<{ relPath: string; reason: string }>;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

async function loadRecord(dir: string, id: number, known: Map<number, ItemRecord>): Promise<ItemRecord | null> {
  const k = known.get(id);
  if (k) return k;
  try {
    return JSON.parse(await readFile(join(dir, 'items', `${id}.json`), 'utf8')) as ItemRecord;
  } catch {
    return null; // done by an earlier run whose record was lost: listed without details
  }
}

/** Which damage detector the batch asked for, which one ran on how many files, and why not. */
export interface DetectorSummary {
  requested: 'classical' | 'learned';
  /** files (with a record) restored by each detector */
  used: { classical: number; learned: number };
  /** distinct warnings of the files that could not use the requested detector */
  warnings: string[];
}

function detectorSummary(options: object, recs: Array<ItemRecord | null>): DetectorSummary {
  const requested = (options as { detector?: unknown }).detector === 'learned' ? 'learned' : 'classical';
  const used = { classical: 0, learned: 0 };
  const warnings = new Set<string>();
  for (const rec of recs) {
    if (!rec) continue;
    used[rec.stats.detector === 'learned' ? 'learned' : 'classical']++;
    if (requested === 'learned' && rec.stats.detector !== 'learned') {
      for (const w of rec.stats.warnings ?? []) if (/detector/i.test(w)) warnings.add(w);
    }
  }
  if (requested === 'learned' && used.classical > 0 && warnings.size === 0) {
    warnings.add(`the learned damage detector was not used for ${used.classical} file(s); the classical detector was`);
  }
  return { requested, used, warnings: [...warnings] };
}

function detectorLine(d: DetectorSummary): string {
  const name = (k: 'classical' | 'learned') => (k === 'learned' ? 'learned' : 'classical');
  const ran = (['learned', 'classical'] as const).filter((k) => d.used[k] > 0).map((k) => `${name(k)} on ${d.used[k]} file${d.used[k] === 1 ? '' : 's'}`);
  return `Damage detector: ${name(d.requested)}${ran.length ? ` — ran: ${ran.join(', ')}` : ''}`;
}

/** Which engine filled tears and wide damage, when the batch looked for them. */
function wideLine(options: object): string {
  const o = options as { detectTears?: unknown; wideModel?: { name?: unknown; version?: unknown } };
  if (!o.detectTears) return '';
  const m = o.wideModel;
  const engine = m && typeof m.name === 'string' ? `your model ${m.name} v${Number(m.version)}` : 'PatchMatch (built-in)';
  return `<p class="wide">${esc(`Tears and wide damage filled by: ${engine}`)}</p>`;
}

export async function writeReport(
  summary: SummaryLike,
  items: BatchItemRow[],
  dir: string,
  known: Map<number, ItemRecord>,
): Promise<{ html: string; json: string }> {
  const rows = await Promise.all(items.map(async (it) => ({ it, rec: it.status === 'done' ? await loadRecord(dir, it.id, known) : null })));
  const detector = detectorSummary(summary.options, rows.map((r) => r.rec));
  const json = {
    batchId: summary.batchId,
    status: summary.status,
    inputDir: summary.inputDir,
    outputDir: summary.outputDir,
    options: summary.options,
    detector,
    totals: { total: summary.total, done: summary.done, failed: summary.failed, skipped: summary.skipped },
    durationMs: summary.durationMs,
    imagesPerMinute: summary.imagesPerMinute,
    ignored: summary.ignored,
    items: rows.map(({ it, rec }) => ({
      relPath: it.relPath,
      outputPath: it.outputPath,
      status: it.status,
      error: it.error,
      durationMs: it.durationMs,
      sha256: it.sha256,
      width: rec?.width,
      height: rec?.height,
      damage: rec?.stats.damage,
      detector: rec?.stats.detector,
      warnings: rec?.stats.warnings ?? [],
      repaired: rec?.stats.repaired,
      tone: rec?.stats.tone,
      thumbs: rec?.thumbs ? { before: `thumbs/${it.id}-before.jpg`, after: `thumbs/${it.id}-after.jpg`, mask: `thumbs/${it.id}-mask.jpg` } : null,
    })),
  };
  const cards = rows.map(({ it, rec }) => {
    const head = `<div class="name" title="${esc(it.relPath)}">${esc(it.relPath)}</div>`;
    if (it.status !== 'done') {
      return `<div class="card ${esc(it.status)}">${head}<div class="msg">${esc(it.status)}: ${esc(it.error ?? '')}</div></div>`;
    }
    const d = rec?.stats.damage;
    const info = rec && d
      ? `${rec.width}×${rec.height} · ${rec.stats.detector === 'learned' ? `${d.spots} damaged areas (learned detector)` : `${d.lines} scratches, ${d.spots} spots`}${d.tears ? `, ${d.tears} tears` : ''} · ${(d.fraction * 100).toFixed(2)} % repaired · ${rec.stats.tone?.kind ?? ''} · ${(rec.durationMs / 1000).toFixed(1)} s`
      : 'restored (details from an earlier run are unavailable)';
    const imgs = rec?.thumbs
      ? ['before', 'mask', 'after'].map((k) => `<figure><img loading="lazy" src="thumbs/${it.id}-${k}.jpg" alt="${k}"><figcaption>${k === 'mask' ? 'damage' : k}</figcaption></figure>`).join('')
      : '';
    const warn = (rec?.stats.warnings ?? []).map((w) => `<div class="msg warn">warning: ${esc(w)}</div>`).join('');
    return `<div class="card done">${head}<div class="imgs">${imgs}</div><div class="msg">${esc(info)}</div>${warn}</div>`;
  });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Renovo batch ${summary.batchId}</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;background:#fafafa;color:#222}
h1{font-size:1.3em}.totals span{margin-right:1.2em}
.grid{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px;max-width:820px}
.warn{color:#a40}.card.error{border-color:#d33}.card.skipped{border-color:#c90}
.name{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.imgs{display:flex;gap:6px}figure{margin:0}figure img{max-width:256px;max-height:256px;display:block}
figcaption{font-size:12px;color:#666;text-align:center}.msg{font-size:12px;color:#555;margin-top:4px}
</style></head><body>
<h1>Renovo batch restoration #${summary.batchId}</h1>
<p>${esc(summary.inputDir)} → ${esc(summary.outputDir)}</p>
<p class="detector" data-detector="${detector.requested}">${esc(detectorLine(detector))}</p>
${wideLine(summary.options)}
${detector.warnings.map((w) => `<p class="msg warn">warning: ${esc(w)}</p>`).join('\n')}
<p class="totals"><span>${summary.total} files</span><span>${summary.done} restored</span><span>${summary.failed} failed</span><span>${summary.skipped} skipped</span><span>${(summary.durationMs / 1000).toFixed(1)} s this run</span></p>
<div class="grid">
${cards.join('\n')}
</div>
</body></html>
`;
  const htmlPath = join(dir, 'index.html');
  const jsonPath = join(dir, 'report.json');
  await writeFileAtomic(htmlPath, Buffer.from(html, 'utf8'), { overwrite: true });
  await writeFileAtomic(jsonPath, Buffer.from(JSON.stringify(json, null, 2), 'utf8'), { overwrite: true });
  return { html: htmlPath, json: jsonPath };
}
