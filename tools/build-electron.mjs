// Builds the desktop app's own code: the main process (tsconfig.main.json) and the preload bridge
// (tsconfig.preload.json), type-checks electron.config.ts, then draws the app's icon for packaging
// (build/icons/). Both need Electron's
// types, which come with the electron package (node_modules/electron/electron.d.ts): where the
// package is not installed, this says so in one line and builds nothing, and `sysgate gui` uses
// the web shell. A type error fails the build.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function electronTypes() {
  try {
    const dir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
    return existsSync(join(dir, 'electron.d.ts'));
  } catch {
    return false;
  }
}

if (!electronTypes()) {
  console.log(
    'sysgate: the electron package is not installed: app/main and app/preload were NOT type-checked or built; `sysgate gui` will use the web shell',
  );
  process.exit(0);
}

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const checks = [
  ['-p', join(root, 'tsconfig.main.json')],
  ['-p', join(root, 'tsconfig.preload.json')],
  // electron-builder's configuration, against its types (a devDependency).
  [
    '--noEmit',
    '--strict',
    '--skipLibCheck',
    '--module',
    'NodeNext',
    '--moduleResolution',
    'NodeNext',
    '--target',
    'ES2022',
    '--types',
    'node',
    join(root, 'electron.config.ts'),
  ],
];
for (const args of checks) {
  const result = spawnSync(process.execPath, [tsc, ...args], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The same drawing as the tray's, at the size Linux desktops want for an application icon.
const { trayIconPng } = await import(
  pathToFileURL(join(root, 'build', 'app', 'main', 'tray-icon.js')).href
);
mkdirSync(join(root, 'build', 'icons'), { recursive: true });
for (const size of [32, 64, 128, 256, 512]) {
  writeFileSync(join(root, 'build', 'icons', `${size}x${size}.png`), trayIconPng(0, size));
}
