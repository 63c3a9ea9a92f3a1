// One registry of keyboard shortcuts: the window key handler dispatches through it and the `?`
// overlay lists it, so the help can never drift from what the keys do.

export interface Shortcut {
  id: string;
  /** Keys as shown to people, e.g. ['Ctrl', 'Z']. */
  keys: string[];
  description: string;
  group: 'Tools' | 'Mask' | 'View' | 'Edit' | 'App';
  /** Does this keydown trigger the shortcut? */
  match(event: KeyboardEvent): boolean;
}

export type ShortcutAction = (event: KeyboardEvent) => void;

function mod(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.metaKey;
}

/** A plain key (no Ctrl/Cmd/Alt), compared case-insensitively. */
function plain(key: string): (e: KeyboardEvent) => boolean {
  return (e) => !mod(e) && !e.altKey && e.key.toLowerCase() === key.toLowerCase();
}

export const SHORTCUTS: Shortcut[] = [
  { id: 'tool.brush', keys: ['B'], description: 'Brush', group: 'Tools', match: plain('b') },
  { id: 'tool.eraser', keys: ['E'], description: 'Eraser', group: 'Tools', match: plain('e') },
  { id: 'tool.rect', keys: ['M'], description: 'Rectangle selection', group: 'Tools', match: plain('m') },
  { id: 'tool.lasso', keys: ['L'], description: 'Lasso selection', group: 'Tools', match: plain('l') },
  { id: 'tool.object', keys: ['W'], description: 'Object (click to select)', group: 'Tools', match: plain('w') },
  { id: 'brush.smaller', keys: ['['], description: 'Smaller brush', group: 'Mask', match: (e) => !mod(e) && e.key === '[' },
  { id: 'brush.larger', keys: [']'], description: 'Larger brush', group: 'Mask', match: (e) => !mod(e) && e.key === ']' },
  { id: 'mask.source', keys: ['S'], description: 'Paint the source area / the hole (switch)', group: 'Mask', match: plain('s') },
  { id: 'mask.invert', keys: ['I'], description: 'Invert mask (or source area)', group: 'Mask', match: plain('i') },
  { id: 'mask.clear', keys: ['Delete'], description: 'Clear mask (or source area)', group: 'Mask', match: (e) => !mod(e) && (e.key === 'Delete' || e.key === 'Backspace') },
  { id: 'mask.erase', keys: ['Alt', 'drag'], description: 'Erase / subtract while held', group: 'Mask', match: () => false },
  { id: 'view.fit', keys: ['0'], description: 'Fit to window', group: 'View', match: (e) => !mod(e) && e.key === '0' },
  { id: 'view.actual', keys: ['1'], description: 'Zoom to 100 %', group: 'View', match: (e) => !mod(e) && e.key === '1' },
  { id: 'view.zoomIn', keys: ['+'], description: 'Zoom in', group: 'View', match: (e) => e.key === '+' || e.key === '=' },
  { id: 'view.zoomOut', keys: ['−'], description: 'Zoom out', group: 'View', match: (e) => e.key === '-' || e.key === '_' },
  { id: 'view.pan', keys: ['Space', 'drag'], description: 'Pan (or middle mouse button)', group: 'View', match: () => false },
  { id: 'view.before', keys: ['\\'], description: 'Hold to see the original', group: 'View', match: (e) => !mod(e) && e.key === '\\' },
  { id: 'view.split', keys: ['C'], description: 'Split before/after compare', group: 'View', match: plain('c') },
  { id: 'edit.remove', keys: ['Enter'], description: 'Remove the masked area', group: 'Edit', match: (e) => !mod(e) && e.key === 'Enter' },
  { id: 'edit.undo', keys: ['Ctrl', 'Z'], description: 'Undo (mask stroke, then edit)', group: 'Edit', match: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 'z' },
  { id: 'edit.redo', keys: ['Ctrl', 'Shift', 'Z'], description: 'Redo', group: 'Edit', match: (e) => mod(e) && ((e.shiftKey && e.key.toLowerCase() === 'z') || e.key.toLowerCase() === 'y') },
  { id: 'app.open', keys: ['Ctrl', 'O'], description: 'Open a photo', group: 'App', match: (e) => mod(e) && e.key.toLowerCase() === 'o' },
  { id: 'app.export', keys: ['Ctrl', 'S'], description: 'Export (Save As)', group: 'App', match: (e) => mod(e) && e.key.toLowerCase() === 's' },
  { id: 'app.help', keys: ['?'], description: 'Keyboard shortcuts', group: 'App', match: (e) => e.key === '?' },
  { id: 'app.escape', keys: ['Esc'], description: 'Close dialogs / cancel a selection', group: 'App', match: (e) => e.key === 'Escape' },
];

/** The first shortcut this event triggers, if any. */
export function findShortcut(event: KeyboardEvent, list: Shortcut[] = SHORTCUTS): Shortcut | null {
  return list.find((s) => s.match(event)) ?? null;
}

/** True when the key event comes from a text field, where letters must type, not trigger tools. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return el.closest('input:not([type="range"]):not([type="checkbox"]):not([type="radio"]):not([type="color"]), select, textarea, [contenteditable="true"]') !== null;
}
