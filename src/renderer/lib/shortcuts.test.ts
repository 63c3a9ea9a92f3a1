import { describe, expect, it } from 'vitest';
import { SHORTCUTS, findShortcut, isTypingTarget } from './shortcuts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) =>
  ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods }) as KeyboardEvent;

describe('shortcut registry', () => {
  it('maps keys to actions', () => {
    expect(findShortcut(key('b'))?.id).toBe('tool.brush');
    expect(findShortcut(key('B', { shiftKey: true }))?.id).toBe('tool.brush');
    expect(findShortcut(key('z', { ctrlKey: true }))?.id).toBe('edit.undo');
    expect(findShortcut(key('Z', { ctrlKey: true, shiftKey: true }))?.id).toBe('edit.redo');
    expect(findShortcut(key('y', { metaKey: true }))?.id).toBe('edit.redo');
    expect(findShortcut(key('s', { ctrlKey: true }))?.id).toBe('app.export');
    expect(findShortcut(key('s'))?.id).toBe('mask.source');
    expect(findShortcut(key('?', { shiftKey: true }))?.id).toBe('app.help');
    expect(findShortcut(key('Enter'))?.id).toBe('edit.remove');
    expect(findShortcut(key('b', { ctrlKey: true }))).toBeNull();
    expect(findShortcut(key('q'))).toBeNull();
  });

  it('has unique ids and no key that triggers two shortcuts', () => {
    expect(new Set(SHORTCUTS.map((s) => s.id)).size).toBe(SHORTCUTS.length);
    const probes = ['b', 'e', 'm', 'l', 'w', '[', ']', 'i', 'Delete', 'Backspace', '0', '1', '+', '=', '-', '\\', 'c', 'Enter', 'z', 'y', 'o', 's', '?', 'Escape'];
    for (const k of probes) {
      for (const mods of [{}, { ctrlKey: true }, { ctrlKey: true, shiftKey: true }]) {
        const hits = SHORTCUTS.filter((s) => s.match(key(k, mods)));
        expect(hits.length, `${JSON.stringify(mods)} ${k}: ${hits.map((h) => h.id).join(', ')}`).toBeLessThanOrEqual(1);
      }
    }
    for (const s of SHORTCUTS) expect(s.keys.length).toBeGreaterThan(0);
  });

  it('leaves text fields alone but not sliders', () => {
    const el = (matches: boolean) => ({ closest: () => (matches ? {} : null) }) as unknown as EventTarget;
    expect(isTypingTarget(el(true))).toBe(true);
    expect(isTypingTarget(el(false))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
