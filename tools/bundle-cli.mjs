// Bundles the compiled command line (build/app/cli/main.js and what it imports) into a few
// files in build/app/bundle, which bin/sysgate.js loads. Resolving and compiling some forty
// modules one by one took every `sysgate` run about 20 ms of its ~100 ms start (npm run bench);
// a bundle is read and compiled at once. The commands stay loaded lazily: each is a chunk of its
// own. The bundle sits as deep in build/ as the modules do, so that paths relative to a module
// (package-paths.ts, version.ts) name the same files from either.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}build/app/bundle`;
rmSync(dir, { recursive: true, force: true });
await build({
  input: `${root}build/app/cli/main.js`,
  platform: 'node',
  // Native and optional modules are loaded from node_modules as they are.
  external: ['node-pty', 'ws', 'electron', 'better-sqlite3'],
  logLevel: 'warn',
  output: { dir, format: 'esm', entryFileNames: 'main.mjs', chunkFileNames: '[name]-[hash].mjs' },
});
