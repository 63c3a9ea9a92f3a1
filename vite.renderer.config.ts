// Vite config for the Svelte renderer (built by scripts/build.mjs into dist/renderer).
// base './' makes the same build load from the desktop app scheme (app://renovo/index.html) and
// from `renovo serve` (http://127.0.0.1:PORT/).
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./src/renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // CSP: no inline scripts anywhere; Chromium supports modulepreload natively.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
