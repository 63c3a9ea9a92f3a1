// The main window's webPreferences, kept apart from index.ts so tests can check them without Electron.
import type { WebPreferences } from 'electron';

/** Locked-down renderer settings; DevTools exist only in development (not in a packaged build). */
export function windowWebPreferences(preloadPath: string, packaged: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: !packaged,
  };
}
