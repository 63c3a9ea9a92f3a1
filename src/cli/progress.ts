// Progress on stderr: a redrawn bar with ETA on a terminal; otherwise (logs, pipes, CI) a plain line
// every `everyPercent` and at least every `everyMs` while it moves, so a slow job never looks stuck.
import type { WriteStream } from 'node:tty';

type Stream = NodeJS.WriteStream | WriteStream;

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class ProgressReporter {
  private readonly started = Date.now();
  private lastDraw = 0;
  private lastStep = -1;
  private lastLine = 0;
  private lastFraction = -1;
  private drawn = false;

  constructor(
    private readonly stream: Stream = process.stderr,
    private readonly label = 'Inpainting',
    private readonly tty = !!(stream as { isTTY?: boolean }).isTTY,
    private readonly plain: { everyPercent?: number; everyMs?: number; now?: () => number } = {},
  ) {}

  /** `etaMs`: the caller's own estimate (e.g. a resumed batch); default: from the fraction and the elapsed time. */
  update(fraction: number, message = '', etaMs?: number | null): void {
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 80 && f < 1) return;
      this.lastDraw = now;
      this.stream.write(`\r\x1b[2K${this.line(f, message, etaMs)}`);
      this.drawn = true;
    } else {
      const now = (this.plain.now ?? Date.now)();
      const step = Math.floor((f * 100) / (this.plain.everyPercent ?? 10));
      const stale = f > this.lastFraction && now - this.lastLine >= (this.plain.everyMs ?? 30_000);
      if (step === this.lastStep && !stale) return;
      this.lastStep = step;
      this.lastLine = now;
      this.lastFraction = f;
      const eta = etaMs === undefined ? '' : `  ETA ${clock(etaMs === null ? NaN : etaMs / 1000)}`;
      this.stream.write(`${this.label}: ${Math.round(f * 100)}%${eta}${message ? ` (${message})` : ''}\n`);
    }
  }

  line(f: number, message: string, etaMs?: number | null): string {
    const width = 28;
    const filled = Math.round(f * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = etaMs !== undefined ? (etaMs === null ? NaN : etaMs / 1000) : f > 0.01 ? (elapsed * (1 - f)) / f : NaN;
    const pct = `${Math.floor(f * 100)}`.padStart(3);
    const cols = (this.stream as { columns?: number }).columns || 100; // 0 when the size is unknown
    const text = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}%  ETA ${clock(eta)}  ${message}`;
    return text.slice(0, Math.max(20, cols - 1));
  }

  /** Clears the bar (TTY) so the final message starts on a clean line. */
  done(): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
