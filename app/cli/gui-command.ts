// `sysgate gui [--web] [--port N] [--no-open]`: the desktop app, or, with --web or where
// Electron is not installed, the same window served on 127.0.0.1 (the web shell).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openHistory } from '../core/history/recorder.js';
import { Host } from '../core/host/host.js';
import { serveTerminals } from '../core/host/terminals.js';
import { packagePath } from '../core/package-paths.js';
import { PolicyStore } from '../core/policy/store.js';
import { currentMacros } from '../core/session/policy-source.js';
import { startWebShell } from '../web/server.js';
import { electronStatus } from '../core/electron-binary.js';

const USAGE = 'usage: sysgate gui [--web] [--port N] [--no-open]\n';

export async function runGui(argv: string[]): Promise<number> {
  let web = false;
  let open = true;
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--web') web = true;
    else if (arg === '--no-open') open = false;
    else if (arg === '--port' && /^[0-9]+$/.test(argv[i + 1] ?? '') && Number(argv[i + 1]) < 65536)
      port = Number(argv[++i]);
    else {
      process.stderr.write(`sysgate gui: unexpected ${JSON.stringify(arg)}\n${USAGE}`);
      return 2;
    }
  }
  if (!web) {
    const electron = electronStatus();
    // Electron's sandbox refuses root, and sysgate does not switch it off: root gets the web shell.
    const why =
      process.getuid?.() === 0
        ? 'Electron does not run as root with its sandbox on'
        : electron.reason;
    if (electron.binary !== undefined && why === undefined)
      return runElectron(electron.binary, electron.main);
    process.stderr.write(
      `sysgate: the desktop app cannot start here: ${why}; starting the web shell instead\n`,
    );
  }
  return runWebShell(port, open);
}

function runElectron(binary: string, main: string): Promise<number> {
  const env = { ...process.env };
  // Set by some tools, it would make Electron a plain Node.js.
  delete env['ELECTRON_RUN_AS_NODE'];
  const child = spawn(binary, [main], { stdio: 'inherit', env });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

async function runWebShell(port: number, open: boolean): Promise<number> {
  const staticDir = packagePath('build', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) {
    process.stderr.write(`sysgate: the window is not built (${staticDir}): run npm install\n`);
    return 1;
  }
  const store = new PolicyStore({ shippedDir: packagePath('policies') });
  const macros = currentMacros();
  const history = openHistory((message) => console.error(`sysgate: ${message}`));
  const host = new Host(store, macros, history);
  let terminals;
  try {
    terminals = serveTerminals(host, store, macros);
  } catch (e) {
    process.stderr.write(
      `sysgate: questions from terminals will not come here: ${(e as Error).message}\n`,
    );
  }
  let shell;
  try {
    shell = await startWebShell({ endpoint: host, staticDir, port });
  } catch (e) {
    process.stderr.write(
      `sysgate: cannot serve the web UI on 127.0.0.1:${port}: ${(e as Error).message}\n`,
    );
    return 1;
  }
  process.stdout.write(`sysgate: web UI at ${shell.url}\n`);
  if (open) openBrowser(shell.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  terminals?.close();
  await host.shutdown();
  await shell.close();
  return 0;
}

/** Opens a local Chromium in app mode, when there is one and a display to show it on. */
function openBrowser(url: string): void {
  if (process.env['DISPLAY'] === undefined && process.env['WAYLAND_DISPLAY'] === undefined) return;
  const browser = ['chromium', 'chromium-browser', 'google-chrome'].find(
    (name) => spawnSync('which', [name]).status === 0,
  );
  if (browser === undefined) return;
  const profile = mkdtempSync(join(tmpdir(), 'sysgate-browser-'));
  spawn(browser, [`--app=${url}`, `--user-data-dir=${profile}`, '--no-first-run'], {
    stdio: 'ignore',
    detached: true,
  }).unref();
}
