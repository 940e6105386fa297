// Whether the desktop app can run here: the Electron executable that `npm install` and
// `npm run build` left in node_modules/electron, and the built main process. Used by `sysgate gui`
// (desktop app, else the web shell) and by the Electron end-to-end test (run, else skip).
//
// This never loads the `electron` package: from Node, `require('electron')` downloads the binary
// when it is missing (and throws where that cannot be done). It reads the files the package's
// own installer writes instead: dist/<path.txt> and dist/version.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { packagePath } from './package-paths.js';

/** The desktop app's main process, built by `npm run build` (tsconfig.main.json). */
export const DESKTOP_MAIN = packagePath('build', 'app', 'main', 'main.js');

export type ElectronStatus =
  | { binary: string; main: string; reason?: undefined }
  | { binary?: undefined; main?: undefined; reason: string };

/** Where the Electron executable and the desktop app's main are, or why the app cannot run. */
export function electronStatus(): ElectronStatus {
  let packageDir: string;
  try {
    packageDir = dirname(
      createRequire(packagePath('package.json')).resolve('electron/package.json'),
    );
  } catch {
    return { reason: 'the electron package is not installed (node_modules/electron)' };
  }
  let binary: string;
  let version: string;
  try {
    const relative = readFileSync(join(packageDir, 'path.txt'), 'utf8').trim();
    binary = join(packageDir, 'dist', relative);
    version = readFileSync(join(packageDir, 'dist', 'version'), 'utf8')
      .trim()
      .replace(/^v/, '');
  } catch {
    return {
      reason:
        'the Electron binary was not downloaded (node_modules/electron/dist); `npm run build:electron` fetches it where it can be downloaded',
    };
  }
  const wanted = (
    JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }
  ).version;
  if (!existsSync(binary)) return { reason: `the Electron binary ${binary} is missing` };
  if (version !== wanted) {
    return {
      reason: `node_modules/electron/dist is Electron ${version}, the package wants ${wanted}: run \`npm run build:electron\``,
    };
  }
  if (!existsSync(DESKTOP_MAIN)) {
    return { reason: `the desktop app is not built (${DESKTOP_MAIN}): run \`npm run build\`` };
  }
  return { binary, main: DESKTOP_MAIN };
}
