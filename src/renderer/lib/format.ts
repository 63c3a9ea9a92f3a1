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
