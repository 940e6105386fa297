// `sysgate gui [--web] [--port N] [--no-open]`: the desktop app, or, with --web or where
// Electron is not installed, the same window served on 127.0.0.1 (the web shell).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { administersSystemPolicies, SystemAdmin } from '../core/host/system-admin.js';
import { openHistory } from '../core/records/recorder.js';
import { Host } from '../core/host/host.js';
import { serveTerminals } from '../core/host/terminals.js';
import { packagePath } from '../core/package-paths.js';
import { PolicyStore } from '../core/policy/store.js';
import { currentMacros } from '../core/runs/policy-source.js';
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
  // Its commits in a thread of their own: they never hold up the questions (issue 17).
  const history = openHistory((message) => console.error(`sysgate: ${message}`), undefined, {
    thread: true,
  });
  const system = administersSystemPolicies() ? new SystemAdmin() : null;
  const host = new Host(store, macros, history, system);
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
  const launch = open ? openBrowser(shell.url) : undefined;
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (launch !== undefined) rmSync(launch, { force: true });
  terminals?.close();
  await host.shutdown();
  await shell.close();
  return 0;
}

/**
 * Opens a local Chromium in app mode, when there is one and a display to show it on; the page it
 * was sent through, to remove when the shell ends.
 */
function openBrowser(url: string): string | undefined {
  if (process.env['DISPLAY'] === undefined && process.env['WAYLAND_DISPLAY'] === undefined)
    return undefined;
  const browser = ['chromium', 'chromium-browser', 'google-chrome'].find(
    (name) => spawnSync('which', [name]).status === 0,
  );
  if (browser === undefined) return undefined;
  const profile = mkdtempSync(join(tmpdir(), 'sysgate-browser-'));
  const { page, args } = browserLaunch(url, profile);
  const child = spawn(browser, args, { stdio: 'ignore', detached: true });
  child.unref();
  // A browser that ends at once with a failure opened nothing (Chromium refuses root without its
  // sandbox, and sysgate does not switch the sandbox off): the user must hear it, with the address.
  const started = Date.now();
  child.on('exit', (code) => {
    if (code === 0 || Date.now() - started > BROWSER_START_MS) return;
    rmSync(profile, { recursive: true, force: true });
    process.stderr.write(
      `sysgate: ${browser} did not open the window (it exited with status ${code})` +
        (process.getuid?.() === 0 ? ': Chromium does not run as root with its sandbox on' : '') +
        `; open ${url} in a browser\n`,
    );
  });
  child.on('error', (e) =>
    process.stderr.write(
      `sysgate: cannot start ${browser}: ${e.message}; open ${url} in a browser\n`,
    ),
  );
  return page;
}

/** How long a browser that fails is taken to have failed to start, not to have been closed. */
const BROWSER_START_MS = 15_000;

/**
 * What opens `url` in a browser without putting its token where other users can read it. An
 * argument list is anyone's to read in /proc/PID/cmdline, so the browser is given a page in its
 * own profile (mkdtemp's 0700 folder, the page 0600) that sends it on to the address.
 */
export function browserLaunch(url: string, profile: string): { page: string; args: string[] } {
  const page = join(profile, 'open.html');
  const target = url.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  writeFileSync(
    page,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
      `<meta http-equiv="refresh" content="0; url=${target}"><title>sysgate</title>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return {
    page,
    args: [`--app=${pathToFileURL(page).href}`, `--user-data-dir=${profile}`, '--no-first-run'],
  };
}
