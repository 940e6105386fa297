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
    // The module preload polyfill is inlined into the entry script by Vite; a single entry
    // needs no preloading at all.
    modulePreload: false,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
});
