// Fetches the Electron binary into node_modules/electron/dist when it is not there, with the
// package's own installer (node_modules/electron/install.js). Since Electron 42 the package has no
// install script: the binary comes with the first `require('electron')` or `install-electron`.
// This runs it at build time instead, so `sysgate gui` finds it ready, and so a machine that cannot
// download it (no access to the binary's host) still builds: it gets one line saying so, and
// `sysgate gui` uses the web shell there. Never fails the build.
//
// SYSGATE_SKIP_ELECTRON_DOWNLOAD=1 (or Electron's own ELECTRON_SKIP_BINARY_DOWNLOAD=1) skips it.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FALLBACK = '`sysgate gui` will use the web shell';
// A download of ~110 MB; a network that swallows packets must not hold the build for long.
const TIMEOUT_MS = 5 * 60 * 1000;

function say(line) {
  console.log(`sysgate: ${line}`);
}

function electronPackage() {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function installed(dir) {
  try {
    const version = readFileSync(join(dir, 'dist', 'version'), 'utf8')
      .trim()
      .replace(/^v/, '');
    const wanted = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    const binary = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
    return version === wanted && existsSync(binary);
  } catch {
    return false;
  }
}

/** The installer's last meaningful line, for the one-line message. */
function why(result) {
  if (result.error?.code === 'ETIMEDOUT') return `no answer in ${TIMEOUT_MS / 60000} minutes`;
  if (result.error) return result.error.message;
  const lines = `${result.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at '));
  return lines.at(-1) ?? `the installer exited with status ${result.status}`;
}

const dir = electronPackage();
if (dir === null) {
  say(`the electron package is not installed; ${FALLBACK}`);
} else if (installed(dir)) {
  // Already there: nothing to say.
} else if (
  process.env.SYSGATE_SKIP_ELECTRON_DOWNLOAD ||
  process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
) {
  say(`the Electron binary is not downloaded (skipped by the environment); ${FALLBACK}`);
} else {
  const result = spawnSync(process.execPath, [join(dir, 'install.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status === 0 && installed(dir))
    say('the Electron binary is ready (node_modules/electron/dist)');
  else say(`the Electron binary could not be downloaded (${why(result)}); ${FALLBACK}`);
}
