// Small display helpers for the Fine-tune and Batch panels.

/** "1:05", "1:02:03" or "—" for an unknown remaining time. */
export function formatEta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A folder path is absolute on this machine (POSIX, drive letter or UNC) — what the API accepts. */
export function isAbsolutePath(p: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p) && !p.includes('\0') && p.length <= 4096;
}

/** SVG polyline points for a series scaled into a width × height box (y grows downwards). */
export function polylinePoints(xs: number[], ys: number[], box: { width: number; height: number; xMin: number; xMax: number; yMin: number; yMax: number }): string {
  const dx = box.xMax - box.xMin || 1;
  const dy = box.yMax - box.yMin || 1;
  const out: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = ((xs[i]! - box.xMin) / dx) * box.width;
    const y = box.height - ((ys[i]! - box.yMin) / dy) * box.height;
    if (Number.isFinite(x) && Number.isFinite(y)) out.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  return out.join(' ');
}

/** Round tick values (1, 2 or 5 × 10^k apart) covering [min, max], about `count` of them: chart axes. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A short axis label: 1200 → "1.2k", 0.25 → "0.25". */
export function axisLabel(v: number): string {
  if (Math.abs(v) >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}
