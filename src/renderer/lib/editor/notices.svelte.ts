// What the editor tells the user: notices that come and go, and the one busy line in the top bar
// while an import or an export runs.
export type NoticeKind = 'error' | 'info' | 'success';
export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

export class Notices {
  items = $state<Notice[]>([]);
  /** "Importing x…" or "Exporting…" while one runs (null: none; one at a time). */
  busy = $state<string | null>(null);
  #seq = 0;

  /** Errors stay until dismissed; the others go after a few seconds. */
  notify(kind: NoticeKind, text: string, timeoutMs = kind === 'error' ? 0 : 4000): void {
    const id = ++this.#seq;
    this.items = [...this.items, { id, kind, text }];
    if (timeoutMs > 0) setTimeout(() => this.dismiss(id), timeoutMs);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}
