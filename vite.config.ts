// Builds the renderer (renderer/) into build/renderer/: one HTML page, its script and its styles
// as files beside it with relative paths, so the same output loads from Electron (a file or a
// custom protocol) and from the web shell (`sysgate gui --web`), and nothing inline that a strict
// Content-Security-Policy would block.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./build/renderer', import.meta.url)),
    emptyOutDir: true,
    // Never turn a small asset into a data: URL (CSP `default-src 'self'` would refuse it).
    assetsInlineLimit: 0,
    // The views not on screen, the editor (CodeMirror) and the terminals (xterm.js) are chunks
    // of their own (window/App.tsx, terminal/lazy-registry.ts). The page names the entry's own
    // small chunks as module preloads in its HTML, so that they are fetched beside the entry, not
    // after it is compiled; no polyfill (Chromium has modulepreload), nothing inline.
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
});
