// Builds the renderer (renderer/) into build/renderer/: one HTML page, its script and its styles
// as files beside it with relative paths, so the same output loads from Electron (a file or a
// custom protocol) and from the web shell (`sysgate gui --web`), and nothing inline that a strict
// Content-Security-Policy would block.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

/**
 * The socket to the host is opened by a script of its own (api/connection.ts), named in the page
 * before the main one: it runs as soon as its few kilobytes arrive, so the socket is open while
 * the main script is still arriving and compiling. Opened from the main script, a trace of the
 * History view's opening had the socket made 60 ms in, and its `open` told 30-60 ms later, after
 * React's first render, with the view's first request behind it.
 */
function connectionFirst(): Plugin {
  return {
    name: 'sysgate-connection-first',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        const chunk = Object.values(bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.isEntry && c.name === 'connection',
        );
        // `vite dev` has no bundle: the main script opens the socket itself.
        if (chunk === undefined) return html;
        const main = html.indexOf('<script type="module"');
        if (main < 0) throw new Error('index.html has no module script');
        const early = `<script type="module" crossorigin src="./${chunk.fileName}"></script>\n    `;
        return html.slice(0, main) + early + html.slice(main);
      },
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), connectionFirst()],
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
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./renderer/index.html', import.meta.url)),
        connection: fileURLToPath(new URL('./renderer/api/connection.ts', import.meta.url)),
      },
    },
  },
});
