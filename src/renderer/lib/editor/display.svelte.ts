// How the editor is shown, apart from zoom and pan (../view.svelte.ts): the theme, the shortcuts
// help, and the before/after compare.
export type Theme = 'dark' | 'light';

export class DisplayOptions {
  theme = $state<Theme>('dark');
  helpOpen = $state(false);
  compare = $state<'off' | 'split'>('off');
  /** Split position, 0–1 of the stage width: left of it shows the original. */
  split = $state(0.5);
  /** The original is shown while \ is held. */
  holdBefore = $state(false);

  toggleCompare(): void {
    this.compare = this.compare === 'split' ? 'off' : 'split';
  }
}
